// "How this query ran", folded under a result: Explain (the engine's plan) and Analyze (runs the query
// and reports rows, bytes and time per step, and which index answered), in plain words first with the
// engine's own text below. This is what tells a user whether their filter used an index.
import type { RpcClient } from '../../shared/rpc';
import type { PlanTarget, QueryPlanInfo } from '../../shared/types';
import { errorInfo } from '../grid/rowsQuery';
import { h } from '../ui/dom';
import { button } from '../ui/toolkit';

export interface PlanView {
  element: HTMLElement;
  /** The view's query changed: an older plan no longer describes it. */
  reset(): void;
}

export function planView(rpc: RpcClient, target: () => PlanTarget | undefined, testId: string): PlanView {
  const out = h('div', { class: 'plan-output', 'aria-live': 'polite', 'data-testid': `${testId}-output` });
  let cancel: (() => void) | undefined;
  let generation = 0;

  function run(analyze: boolean): void {
    const t = target();
    if (!t) {
      out.replaceChildren(h('p', { class: 'muted' }, 'Nothing to explain yet.'));
      return;
    }
    cancel?.();
    const mine = ++generation;
    out.replaceChildren(h('p', { class: 'muted' }, analyze ? 'Running the query to measure it…' : 'Asking the engine for its plan…'));
    const call = rpc.start('plan', { target: t, analyze });
    cancel = call.cancel;
    call.result.then(
      (p) => {
        if (mine === generation) show(p);
      },
      (err) => {
        if (mine !== generation) return;
        const info = errorInfo(err);
        if (info.kind === 'cancelled' || info.kind === 'superseded') return;
        out.replaceChildren(h('p', { class: 'error-inline', role: 'alert' }, `No plan: ${info.message}`));
      },
    );
  }

  function show(p: QueryPlanInfo): void {
    out.replaceChildren(
      h('p', { class: 'plan-what muted' }, `${p.analyzed ? 'Analyzed (the query ran)' : 'Explained (not run)'}: ${p.what}.`),
      h('ul', { class: 'plan-summary', 'data-testid': `${testId}-summary` }, ...p.summary.map((line) => h('li', {}, line))),
      h('details', { class: 'plan-text' }, h('summary', {}, "The engine's plan"), h('pre', { 'data-testid': `${testId}-text` }, p.text)),
    );
  }

  const element = h(
    'details',
    { class: 'query-plan', 'data-testid': testId },
    h('summary', { title: 'Which index answered, how many rows each step read, and how long it took' }, 'How this query ran'),
    h(
      'div',
      { class: 'plan-actions' },
      button('Explain', () => run(false), { secondary: true, title: "The engine's plan for this query, without running it", testId: `${testId}-explain` }),
      button('Analyze', () => run(true), {
        secondary: true,
        title: 'Run the query and report rows and bytes read per step, time, and which index answered',
        testId: `${testId}-analyze`,
      }),
    ),
    out,
  );

  return {
    element,
    reset() {
      cancel?.();
      cancel = undefined;
      generation++;
      out.replaceChildren();
    },
  };
}
