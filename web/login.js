// The login page: the server shows it instead of a dashboard page to a visitor from another
// machine who has no key yet. The key goes to POST /api/v1/login, which answers with a session
// cookie the browser keeps; the page the visitor asked for then loads again.

const form = document.getElementById('login-form');
const input = document.getElementById('login-key');
const error = document.getElementById('login-error');
const submit = document.getElementById('login-submit');

function showError(text) {
  error.textContent = text;
  error.hidden = false;
}

async function logIn(event) {
  event.preventDefault();
  const key = input.value.trim();
  if (!key) {
    showError('Paste your access key first.');
    return;
  }
  submit.disabled = true;
  error.hidden = true;
  try {
    const response = await fetch('/api/v1/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key }),
      credentials: 'same-origin',
    });
    if (response.ok) {
      window.location.reload();
      return;
    }
    if (response.status === 429) {
      const wait = Number(response.headers.get('Retry-After')) || 60;
      showError(`Too many wrong keys were tried from this computer. Try again in ${wait} seconds.`);
    } else if (response.status === 401) {
      showError('That key was not accepted. Check that it was copied whole; it may also have been revoked.');
    } else {
      showError('The dashboard could not check the key just now. Try again in a moment.');
    }
  } catch {
    showError('The dashboard cannot be reached. Check your connection and try again.');
  } finally {
    submit.disabled = false;
  }
}

form.addEventListener('submit', logIn);
