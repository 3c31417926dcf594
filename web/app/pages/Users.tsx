// Users (admins): list, create, change role or password, delete (changes end the user's sessions).
import { defineComponent, onMounted, shallowRef } from "vue";
import { ApiRequestError } from "../../client/http.ts";
import type { Role, UserView } from "../../client/rest.ts";
import { useTradewire } from "../../vue/context.ts";
import { Confirm } from "../parts/Confirm.tsx";
import { useSession } from "../session.ts";

const ROLES: Role[] = ["viewer", "trader", "admin", "engine"];
const text = (e: Event) => (e.target as HTMLInputElement).value;

export const Users = defineComponent(() => {
  const tw = useTradewire();
  const { state } = useSession();
  const users = shallowRef<UserView[]>([]);
  const error = shallowRef<string | null>(null);
  const fieldErrors = shallowRef<Record<string, string>>({});
  const name = shallowRef("");
  const password = shallowRef("");
  const role = shallowRef<Role>("viewer");
  const deleting = shallowRef<string | null>(null);
  const passwordFor = shallowRef<string | null>(null);
  const newPassword = shallowRef("");

  const load = async () => {
    try {
      users.value = (await tw.rest.users.list()).users;
    } catch (err) {
      error.value = (err as Error).message;
    }
  };
  onMounted(load);

  const act = async (what: () => Promise<unknown>) => {
    error.value = null;
    fieldErrors.value = {};
    try {
      await what();
      await load();
      return true;
    } catch (err) {
      if (err instanceof ApiRequestError) {
        const f: Record<string, string> = {};
        for (const d of err.details) if (d.field) f[d.field] ??= d.message;
        fieldErrors.value = f;
        error.value = err.message;
      } else error.value = String(err);
      return false;
    }
  };
  const create = async (e: Event) => {
    e.preventDefault();
    if (await act(() => tw.rest.users.create({ name: name.value, password: password.value, role: role.value }))) {
      name.value = "";
      password.value = "";
    }
  };

  return () => (
    <div class="users">
      <form class="card" onSubmit={create} data-testid="user-create">
        <h2>New user</h2>
        <div class="row wrap">
          <label class={{ invalid: !!fieldErrors.value.name }}>
            Name
            <input value={name.value} required onInput={(e: Event) => (name.value = text(e))} />
            {fieldErrors.value.name && <span class="field-error">{fieldErrors.value.name}</span>}
          </label>
          <label class={{ invalid: !!fieldErrors.value.password }}>
            Password
            <input
              type="password"
              autocomplete="new-password"
              value={password.value}
              required
              onInput={(e: Event) => (password.value = text(e))}
            />
            {fieldErrors.value.password && <span class="field-error">{fieldErrors.value.password}</span>}
          </label>
          <label>
            Role
            <select value={role.value} onChange={(e: Event) => (role.value = text(e) as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="primary">
            Create
          </button>
        </div>
      </form>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <section class="card">
        <h2>Users</h2>
        <table class="grid" data-testid="user-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th class="hide-narrow">Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.value.map((u) => (
              <tr key={u.name} data-testid={`user-${u.name}`}>
                <td>
                  {u.name} {u.name === state.value.user?.name && <small class="muted">(you)</small>}
                </td>
                <td>
                  <select
                    value={u.role}
                    onChange={(e: Event) => void act(() => tw.rest.users.update(u.name, { role: text(e) as Role }))}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td class="hide-narrow">{new Date(u.createdAt).toLocaleString()}</td>
                <td class="actions">
                  {passwordFor.value === u.name ? (
                    <form
                      class="row"
                      onSubmit={async (e: Event) => {
                        e.preventDefault();
                        if (await act(() => tw.rest.users.update(u.name, { password: newPassword.value })))
                          passwordFor.value = null;
                      }}
                    >
                      <input
                        class="small"
                        type="password"
                        autocomplete="new-password"
                        placeholder="new password"
                        value={newPassword.value}
                        onInput={(e: Event) => (newPassword.value = text(e))}
                      />
                      <button class="ghost" type="submit">
                        Set
                      </button>
                    </form>
                  ) : (
                    <button
                      type="button"
                      class="ghost"
                      onClick={() => {
                        newPassword.value = "";
                        passwordFor.value = u.name;
                      }}
                    >
                      Password
                    </button>
                  )}
                  <button type="button" class="ghost danger" onClick={() => (deleting.value = u.name)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {deleting.value && (
        <Confirm
          title={`Delete ${deleting.value}?`}
          text="The user's sessions end at once."
          action="Delete"
          danger
          onYes={() => {
            const n = deleting.value!;
            deleting.value = null;
            void act(() => tw.rest.users.remove(n));
          }}
          onNo={() => (deleting.value = null)}
        />
      )}
    </div>
  );
});
