/**
 * A person in a large-room (relay tree) call, and what their page's tree shows: links per
 * source, frames decoded per source, and a summary for a failure's story.
 */
import { expect, type Browser } from '@playwright/test';
import type { TreeDebug } from '../../../src/tree/tree-call';
import { openParticipant, type Participant } from './participant';

export interface Person extends Participant {
  id: string;
  tree: () => Promise<TreeDebug>;
}

/** The members `p` holds a control connection to now (not closed), sorted. */
export async function connectedTo(p: Participant): Promise<string[]> {
  const rows = await p.page.evaluate(() => window.__lunar?.connections() ?? []);
  return rows
    .filter((r) => r.phase !== 'closed')
    .map((r) => r.peerId)
    .sort();
}

/** The names `p` lists as verified (first-hand or through the overlay), sorted. */
export async function verifiedNames(p: Participant): Promise<string[]> {
  const views = await p.page.evaluate(() => window.__lunar?.participants() ?? []);
  return views
    .filter((v) => v.trust === 'verified')
    .map((v) => v.name)
    .sort();
}

/** Like joinCall, at a small viewport: the pages share two cores. */
export async function joinTree(browser: Browser, url: string, name: string, people: Participant[]): Promise<Person> {
  const p = await openParticipant(browser, `${url}&prejoin=0&name=${name}`, name, { viewport: { width: 320, height: 240 } });
  people.push(p);
  await expect(p.page.getByRole('button', { name: 'Leave' })).toBeVisible({ timeout: 60_000 });
  const id = await p.page.evaluate(() => window.__lunar?.myId ?? '');
  return {
    ...p,
    id,
    tree: async () => {
      const t = await p.page.evaluate(() => window.__lunar?.tree() ?? Promise.resolve(null));
      if (!t) throw new Error(`${name}: no tree`);
      return t;
    },
  };
}

/** Frames decoded per source on `who`'s tree links. */
export async function framesBySource(who: Person): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const up of (await who.tree()).upstream) out.set(up.source, Math.max(out.get(up.source) ?? 0, up.framesDecoded));
  return out;
}

/**
 * Waits until `who` decodes rising frames from every source in `from` over the tree, checking
 * every `intervalMs` (rising means: more frames than at the previous check).
 */
export async function expectTreeVideo(who: Person, from: Person[], timeout = 45_000, intervalMs = 1000): Promise<void> {
  let before = new Map<string, number>();
  await expect
    .poll(
      async () => {
        const now = await framesBySource(who);
        const missing = from.filter((p) => !((now.get(p.id) ?? 0) > (before.get(p.id) ?? 0) && before.has(p.id))).map((p) => `${p.name}: ${now.get(p.id) ?? 'no link'}`);
        before = now;
        return missing;
      },
      { timeout, intervals: [intervalMs], message: `${who.name} should decode the others' video over the tree` },
    )
    .toEqual([]);
}

/**
 * `p` forwards every frame: for each child, copies forwarded (plus frames thinned by choice for
 * a congested child, per-branch layers) == frames offered, none failed,
 * and video does reach its children. (A muted microphone is closed, so its audio offers
 * nothing; a child link still connecting has been offered nothing yet.)
 */
export async function expectForwardsEverything(p: Person): Promise<void> {
  await expect
    .poll(
      async () => {
        const c = (await p.tree()).counters;
        const bad: string[] = [];
        let videoForwarded = 0;
        for (const [id, s] of Object.entries(c?.streams ?? {})) {
          for (const [child, cc] of Object.entries(s.children)) {
            if (cc.forwarded + (cc.thinned ?? 0) !== cc.offered || cc.failed !== 0) bad.push(`${id}→${child}: ${cc.forwarded}/${cc.offered}/${cc.failed}`);
            if (id.startsWith('video:')) videoForwarded += cc.forwarded;
          }
        }
        if (videoForwarded === 0) bad.push('no video frame forwarded');
        return bad;
      },
      { timeout: 10_000, message: `${p.name}'s forwarded frames should equal those it received` },
    )
    .toEqual([]);
}

/** What a page's tree looks like, for a failure's story. */
export async function describeTree(p: Person): Promise<unknown> {
  const t = await p.tree();
  const peers = await p.peers();
  return {
    mode: t.mode,
    members: t.members.map((m) => m.slice(0, 4)),
    up: t.upstream.map((u) => `${u.source.slice(0, 4)}<${u.parent.slice(0, 4)} ${u.state} ${u.framesDecoded}`),
    down: t.downstream.map((d) => `${d.source.slice(0, 4)}>${d.child.slice(0, 4)} ${d.state}${d.paused ? ' standby' : ''}`),
    drops: t.counters?.drops,
    selfLoop: t.selfLoop,
    churn: t.churn,
    calls: await p.page.evaluate(() => window.__lunar?.churn() ?? {}),
    signaling: await p.page.evaluate(() => window.__lunar?.signaling() ?? ''),
    sessions: await p.page.evaluate(() => (window.__lunar?.connections() ?? []).map((c) => `${c.peerId.slice(0, 4)} ${c.signaling}/${c.ice}/${c.connection}/${c.channel}`)),
    peers: peers.map((x) => `${x.peerId.slice(0, 4)} ${x.trust} ${x.phase}`),
  };
}
