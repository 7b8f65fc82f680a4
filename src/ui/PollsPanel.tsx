import { For, createSignal, type JSX } from 'solid-js';
import type { RoomStateActions, RoomStateView } from './create-room-state';

/** Polls: create one, vote once, live results (every client tallies the same doc). */
export function PollsPanel(props: { state: RoomStateView; actions: RoomStateActions; onClose: () => void }): JSX.Element {
  const [question, setQuestion] = createSignal('');
  const [options, setOptions] = createSignal('');
  const create = (e: SubmitEvent) => {
    e.preventDefault();
    const opts = options()
      .split('\n')
      .map((o) => o.trim())
      .filter(Boolean);
    props.actions.createPoll(question(), opts);
    if (!props.state.error) {
      setQuestion('');
      setOptions('');
    }
  };
  return (
    <aside class="panel polls" aria-label="Polls panel">
      <header>
        <h2>Polls</h2>
        <button type="button" aria-label="Close polls" onClick={() => props.onClose()}>
          ✕
        </button>
      </header>
      <For each={props.state.polls}>
        {(r) => (
          <section class="poll" aria-label={`Poll: ${r.poll.question}`}>
            <h3>{r.poll.question}</h3>
            <ul>
              <For each={r.poll.options}>
                {(option, i) => (
                  <li>
                    <button type="button" disabled={r.myVote !== null} aria-pressed={r.myVote === i()} onClick={() => props.actions.vote(r.poll.id, i())}>
                      {option}
                    </button>
                    <span class="count" data-testid="poll-count">
                      {r.counts[i()] ?? 0} {(r.counts[i()] ?? 0) === 1 ? 'vote' : 'votes'}
                    </span>
                  </li>
                )}
              </For>
            </ul>
            <p class="hint">{r.total} voted</p>
          </section>
        )}
      </For>
      <form class="poll-form" onSubmit={create}>
        <input aria-label="Poll question" placeholder="Question" maxLength={200} value={question()} onInput={(e) => setQuestion(e.currentTarget.value)} />
        <textarea aria-label="Poll options" placeholder="One option per line" rows={3} value={options()} onInput={(e) => setOptions(e.currentTarget.value)} />
        <button type="submit">Create poll</button>
      </form>
    </aside>
  );
}
