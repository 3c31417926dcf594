// The signed-in user for components: a ref that follows the session, and role checks.
import { computed, onScopeDispose, shallowRef } from "vue";
import type { SessionState } from "../client/auth.ts";
import type { Role } from "../client/rest.ts";
import { useTradewire } from "../vue/context.ts";

export function useSession() {
  const { session } = useTradewire();
  const state = shallowRef<SessionState>(session.state);
  onScopeDispose(session.onChange((s) => (state.value = s)));
  const role = computed<Role | undefined>(() => state.value.user?.role);
  return {
    state,
    role,
    /** May place, amend and cancel orders, and cancel all. */
    canTrade: computed(() => role.value === "trader" || role.value === "admin"),
    isAdmin: computed(() => role.value === "admin"),
  };
}
