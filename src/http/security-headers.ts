/**
 * Security headers on every answer (helmet), with a Content-Security-Policy the
 * map works under: scripts, styles and data from camnet itself, images also from
 * the base-map tile server named by TILE_URL; style attributes are allowed (the
 * map's panels write them), <style> elements and inline scripts are not. The OpenAPI page (Swagger UI)
 * carries inline styles and scripts of its own, so /api/docs gets those allowed
 * and nothing else does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

const DOCS = '/api/docs';

/** The origin a tile URL template loads from, `{s}`-style subdomains as a wildcard; null when there is none. */
export function tileOrigin(tileUrl: string | null): string | null {
  if (!tileUrl) return null;
  const m = tileUrl.match(/^(https?:)\/\/([^/?#]+)/i);
  if (!m) return null;
  const host = m[2].replace(/\{[^}]*\}/g, '*');
  return `${m[1].toLowerCase()}//${host}`;
}

const isDocs = (req: IncomingMessage) => (req.url ?? '').startsWith(DOCS);

export function securityHeaders(options: { tileUrl: string | null }) {
  const tiles = tileOrigin(options.tileUrl);
  const selfAndOnDocs = (source: string) => (req: IncomingMessage, _res: ServerResponse) => (isDocs(req) ? `'self' ${source}` : "'self'");
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: [selfAndOnDocs("'unsafe-inline'")],
        styleSrc: [selfAndOnDocs("'unsafe-inline'")],
        // The map's panels and Leaflet set style="…" attributes in markup they build; that is allowed, <style>
        // elements and scripts from anywhere but camnet are not.
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...(tiles ? [tiles] : [])],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // No upgrade-insecure-requests: camnet is often reached over plain HTTP on a local network.
      },
    },
  });
}
