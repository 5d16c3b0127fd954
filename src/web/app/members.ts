/**
 * Member names for display, read from the API once per signed-in member and shared by every component that shows
 * names (an id stays an id when the API does not answer).
 */
import { useEffect, useState } from "react";
import { getAll, type ApiClient } from "./api.js";
import { useApp } from "./context.js";

const cache = new WeakMap<ApiClient, { who: string; names: Promise<Map<number, string>> }>();

function namesOf(api: ApiClient, who: string): Promise<Map<number, string>> {
  const hit = cache.get(api);
  if (hit !== undefined && hit.who === who) return hit.names;
  const names = getAll<{ id: number; name: string }>(api, "/members")
    .then((members) => new Map(members.map((m) => [m.id, m.name])))
    .catch(() => {
      cache.delete(api);
      return new Map<number, string>();
    });
  cache.set(api, { who, names });
  return names;
}

export function useMemberNames(): (id: number) => string | undefined {
  const { api, session } = useApp();
  const [names, setNames] = useState<Map<number, string>>(new Map());
  useEffect(() => {
    let live = true;
    void namesOf(api, session?.address ?? "").then((map) => live && setNames(map));
    return () => {
      live = false;
    };
  }, [api, session]);
  return (id) => names.get(id);
}
