// The root: restores a session from the refresh cookie, then shows the login or the dashboard.
import { defineComponent, onMounted, shallowRef } from "vue";
import { useTradewire } from "../vue/context.ts";
import { Login } from "./Login.tsx";
import { Shell } from "./Shell.tsx";
import { useSession } from "./session.ts";

export const App = defineComponent(() => {
  const tw = useTradewire();
  const { state } = useSession();
  const restoring = shallowRef(true);
  onMounted(async () => {
    try {
      await tw.session.restore();
    } catch {
      // the server is not answering: the login page says so when it is used
    } finally {
      restoring.value = false;
    }
  });
  return () => {
    if (restoring.value) return <div class="boot">tradewire…</div>;
    const u = state.value.user;
    // Keyed by user: another sign-in (here or in another tab) starts every component afresh.
    return state.value.status === "authenticated" && u ? <Shell key={`${u.name}:${u.role}`} /> : <Login />;
  };
});
