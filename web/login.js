// Signing in to the map with a login and password: the session is an httpOnly
// cookie set by the service, so nothing secret is kept where a script could read
// it. A one-time password (first admin, admin reset) is changed before anything else.

import { api, ApiError } from './api.js';
import { addStrings, t } from './i18n.js';

addStrings({
  vi: {
    'login.hint': '',
    'login.login': 'Tên đăng nhập',
    'login.password': 'Mật khẩu',
    'login.bad': 'Sai tên đăng nhập hoặc mật khẩu.',
    'login.locked': 'Tài khoản tạm khoá do đăng nhập sai nhiều lần: {message}',
    'login.totp': 'Mã xác thực (6 số)',
    'login.sso': 'Đăng nhập bằng tài khoản cơ quan',
    'login.totpNeeded': 'Nhập mã 6 số trong ứng dụng xác thực.',
    'password.title': 'Đổi mật khẩu',
    'password.hint': 'Bạn đang dùng mật khẩu một lần: hãy đặt mật khẩu mới (ít nhất 12 ký tự).',
    'password.current': 'Mật khẩu hiện tại',
    'password.new': 'Mật khẩu mới',
    'password.submit': 'Đổi mật khẩu',
    'header.logoutEverywhere': 'Đăng xuất mọi nơi',
  },
  en: {
    'login.hint': '',
    'login.login': 'Login',
    'login.password': 'Password',
    'login.bad': 'Wrong login or password.',
    'login.locked': 'This account is locked after too many failed logins: {message}',
    'login.totp': 'Authenticator code (6 digits)',
    'login.sso': 'Sign in with your agency account',
    'login.totpNeeded': 'Enter the 6-digit code of your authenticator app.',
    'password.title': 'Change your password',
    'password.hint': 'You signed in with a one-time password: choose a new one (at least 12 characters).',
    'password.current': 'Current password',
    'password.new': 'New password',
    'password.submit': 'Change password',
    'header.logoutEverywhere': 'Log out everywhere',
  },
});

const $ = (sel) => document.querySelector(sel);

function showError(el, err) {
  // An account with a second factor: show the code field and ask for it.
  if (err instanceof ApiError && err.body?.totp_required) {
    const row = $('#login-totp-row');
    const first = row.hidden;
    row.hidden = false;
    $('#login-totp').focus();
    el.textContent = first ? t('login.totpNeeded') : err.message;
    el.hidden = false;
    return;
  }
  el.textContent =
    err instanceof ApiError && err.status === 401
      ? t('login.bad')
      : err instanceof ApiError && err.status === 429
        ? t('login.locked', { message: err.message })
        : t('login.failed', { message: err.message });
  el.hidden = false;
}

/** Shows `form` in the sign-in box until `submit` resolves without throwing; answers its result. */
function ask(form, errorEl, submit) {
  const box = $('#login');
  box.hidden = false;
  for (const f of box.querySelectorAll('form')) f.hidden = f !== form;
  form.querySelector('input').focus();
  return new Promise((resolve) => {
    const onSubmit = async (ev) => {
      ev.preventDefault();
      errorEl.hidden = true;
      try {
        const result = await submit();
        form.removeEventListener('submit', onSubmit);
        box.hidden = true;
        resolve(result);
      } catch (err) {
        showError(errorEl, err);
      }
    };
    form.addEventListener('submit', onSubmit);
  });
}

function askForPassword() {
  return ask($('#password-form'), $('#password-error'), () =>
    api('/api/auth/password', { method: 'POST', body: { current_password: $('#password-current').value, new_password: $('#password-new').value } }),
  );
}

function askForLogin() {
  // The agency's single sign-on, when camnet is configured for it.
  api('/api/auth/methods', { quiet401: true })
    .then((m) => ($('#login-sso-row').hidden = !m.oidc))
    .catch(() => undefined);
  return ask($('#login-form'), $('#login-error'), () =>
    api('/api/auth/login', {
      method: 'POST',
      body: {
        login: $('#login-name').value.trim(),
        password: $('#login-password').value,
        ...($('#login-totp-row').hidden ? {} : { totp: $('#login-totp').value.trim() }),
      },
      quiet401: true,
    }),
  );
}

/** Who is signed in: the current session, or a new one from the form. */
export async function signIn() {
  let me = null;
  // The readable CSRF cookie travels with the session cookie: without it there is no session to ask about.
  if (document.cookie.split('; ').some((c) => c.startsWith('camnet_csrf='))) {
    try {
      me = await api('/api/whoami', { quiet401: true });
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) throw err;
    }
  }
  if (!me) {
    await askForLogin();
    me = await api('/api/whoami');
  }
  if (me.must_change_password) {
    await askForPassword();
    me = await api('/api/whoami');
  }
  return me;
}

/** Ends this session (or every session of the user) on the server, then starts over at the sign-in form. */
export async function signOut({ everywhere = false } = {}) {
  try {
    await api(everywhere ? '/api/auth/logout-everywhere' : '/api/auth/logout', { method: 'POST', quiet401: true });
  } finally {
    location.reload();
  }
}
