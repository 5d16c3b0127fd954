/** Member names for display, read once from the API (an id stays an id when the API does not answer). */
import { useEffect, useState } from "react";
import { getAll } from "./api.js";
import { useApp } from "./context.js";

export function useMemberNames(): (id: number) => string | undefined {
  const { api, session } = useApp();
  const [names, setNames] = useState<Map<number, string>>(new Map());
  useEffect(() => {
    let live = true;
    getAll<{ id: number; name: string }>(api, "/members")
      .then((members) => live && setNames(new Map(members.map((m) => [m.id, m.name]))))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, session]);
  return (id) => names.get(id);
}
