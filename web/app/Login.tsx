// The login form; also where a revoked or expired session lands, with the reason.
import { defineComponent, shallowRef } from "vue";
import { ApiRequestError } from "../client/http.ts";
import { useTradewire } from "../vue/context.ts";
import { useSession } from "./session.ts";

/** Why a session ended, in words (the server's revocation reasons; anything else as it came). */
const ENDED: Record<string, string> = {
  logout: "signed out elsewhere",
  user_deleted: "your user was deleted",
  role_changed: "your role was changed",
  password_changed: "your password was changed",
  token_reused: "a refresh token was used twice; every session of it was ended",
  session_ended: "the session was ended",
};

export const Login = defineComponent(() => {
  const tw = useTradewire();
  const { state } = useSession();
  const username = shallowRef("");
  const password = shallowRef("");
  const busy = shallowRef(false);
  const error = shallowRef<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    busy.value = true;
    error.value = null;
    try {
      await tw.session.login(username.value, password.value);
      password.value = "";
    } catch (err) {
      if (err instanceof ApiRequestError)
        error.value =
          err.status === 401
            ? "Wrong username or password."
            : err.status === 429
              ? `Too many attempts; try again in ${err.retryAfterS ?? 60} s.`
              : err.message;
      else error.value = String(err);
    } finally {
      busy.value = false;
    }
  };

  return () => (
    <main class="login">
      <form class="card login-card" onSubmit={submit} data-testid="login-form">
        <h1>tradewire</h1>
        {state.value.status === "unauthorized" && (
          <p class="note warn" data-testid="session-ended">
            Your session ended ({ENDED[state.value.reason ?? ""] ?? state.value.reason ?? "signed out"}). Please sign in
            again.
          </p>
        )}
        <label>
          Username
          <input
            name="username"
            autocomplete="username"
            required
            value={username.value}
            onInput={(e: Event) => (username.value = (e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password.value}
            onInput={(e: Event) => (password.value = (e.target as HTMLInputElement).value)}
          />
        </label>
        {error.value && (
          <p class="error" role="alert">
            {error.value}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy.value}>
          {busy.value ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
});
