# camnet for production: run with docker-compose.yml (PostgreSQL + Mosquitto).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The seed reads its data files from src/seed/data at run time; the map is static.
COPY src/seed/data ./src/seed/data
COPY web ./web
# camnet writes Mosquitto's password file here (docker-compose.yml's mqttauth volume).
RUN mkdir -p /var/lib/camnet/mqtt-auth && chown node:node /var/lib/camnet/mqtt-auth
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:3000/readyz').then(r => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))"
CMD ["node", "dist/src/main.js"]
