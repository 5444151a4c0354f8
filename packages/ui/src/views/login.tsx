import { useState } from 'preact/hooks';
import { login } from '../api/session';

/** The cluster asks who you are: a principal and its password, checked by the gateway. */
export function Login({ onDone }: { onDone: () => void }) {
  const [uid, setUid] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const a = await login(uid, password);
    setBusy(false);
    if (a.ok) return onDone();
    setError(a.body?.message ?? `HTTP ${a.status}`);
  };
  return (
    <form class="form card" data-testid="login" onSubmit={submit}>
      <h2>Log in to the cluster</h2>
      <label class="field">
        <span>Principal</span>
        <input name="uid" data-testid="login-uid" autocomplete="username" value={uid} onInput={(e) => setUid((e.target as HTMLInputElement).value)} />
      </label>
      <label class="field">
        <span>Password</span>
        <input name="password" type="password" data-testid="login-password" autocomplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
      </label>
      {error && (
        <p class="error" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy || !uid || !password}>
        Log in
      </button>
    </form>
  );
}
