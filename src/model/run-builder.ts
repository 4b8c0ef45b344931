import { roundMs } from '../aggregate/percentile.js';
import type { TraceEvent } from '../normalise/event.js';
import { normaliseModelId, isPlaceholderModel } from '../prices/model-id.js';
import { providerFor } from '../prices/provider.js';
import type { AgentStep, EventNode, LlmCall, SourceRef, StepNode } from './types.js';
import { usdToPico } from './types.js';

/**
 * The state of one run while its lines are read, in order. It turns events into the step tree:
 * agent steps (agent_start/agent_end) hold calls and other events; a call is one line
 * (`llm_call`) or a start paired with its end or error; a cost_record is folded into its call.
 */
export class RunBuilder {
  readonly children: StepNode[] = [];
  readonly calls: LlmCall[] = [];
  /** Open pattern_start count: the run closes when it drops back to zero. */
  depth = 0;
  /** True once a pattern_start was seen: such a run that never closes is incomplete. */
  opened = false;
  closed = false;
  workflow: string | null = null;
  pattern: string | null = null;
  statusText: string | null = null;
  output: string | null = null;
  start: number | null = null;
  end: number | null = null;
  sawError = false;
  readonly files = new Set<string>();
  private readonly openSteps: AgentStep[] = [];
  private readonly openCalls: LlmCall[] = [];
  /** Calls whose cost_record has been folded in, so that a second record is not folded twice. */
  private readonly costed = new Set<LlmCall>();
  /** `call_id`/`span_id` of open calls, where the trace gives one. */
  private readonly callIds = new Map<LlmCall, string>();

  constructor(
    readonly id: string,
    readonly syntheticId: boolean,
    readonly source: SourceRef,
    private readonly keepText: boolean,
  ) {}

  /** The agent a line belongs to: provider_call lines name the provider, not the agent. */
  agentOf(e: TraceEvent): string | null {
    if (e.type.startsWith('provider_call')) return this.innermostStep()?.agent ?? null;
    return e.agentField ?? this.innermostStep()?.agent ?? null;
  }

  add(e: TraceEvent, src: SourceRef): void {
    this.files.add(src.file);
    this.widen(e.timestamp);
    if (!this.workflow && e.workflow) this.workflow = e.workflow;
    if (!this.pattern && e.pattern) this.pattern = e.pattern;
    switch (e.role) {
      case 'run_start':
        this.opened = true;
        this.depth++;
        return;
      case 'run_end':
        if (e.status) this.statusText = e.status;
        if (e.detail && !this.output) this.output = e.detail;
        if (this.depth > 0) this.depth--;
        if (this.depth === 0) this.closed = true;
        return;
      case 'step_start':
        this.startStep(e, src);
        return;
      case 'step_end':
        this.endStep(e);
        return;
      case 'call_start': {
        const call = this.newCall(e, src, 'incomplete');
        this.openCalls.push(call);
        if (e.callId !== null) this.callIds.set(call, e.callId);
        return;
      }
      case 'call_end':
      case 'call_error':
        this.endCall(e, src);
        return;
      case 'call':
        this.completeCall(this.newCall(e, src, 'ok'), e);
        return;
      case 'cost':
        this.foldCost(e, src);
        return;
      case 'error':
        this.markError(e, src);
        return;
      default:
        this.attach(this.event(e, src));
    }
  }

  private widen(t: number | null): void {
    if (t === null) return;
    if (this.start === null || t < this.start) this.start = t;
    if (this.end === null || t > this.end) this.end = t;
  }

  private innermostStep(): AgentStep | undefined {
    return this.openSteps[this.openSteps.length - 1];
  }

  private attach(node: StepNode): void {
    const parent = this.innermostStep();
    (parent ? parent.children : this.children).push(node);
  }

  private event(e: TraceEvent, src: SourceRef, detail = e.detail ?? e.error): EventNode {
    return { kind: 'event', eventType: e.type, agent: this.agentOf(e), timestamp: e.timestamp, detail, source: src };
  }

  private startStep(e: TraceEvent, src: SourceRef): void {
    const step: AgentStep = {
      kind: 'agent',
      agent: e.agentField ?? '(unnamed agent)',
      agentKind: e.stepKind ?? (e.type === 'tool_start' ? 'tool' : 'agent'),
      start: e.timestamp,
      end: null,
      durationMs: null,
      status: 'incomplete',
      error: null,
      children: [],
      source: src,
    };
    this.attach(step);
    this.openSteps.push(step);
  }

  private endStep(e: TraceEvent): void {
    const name = e.agentField;
    let i = this.openSteps.length - 1;
    if (name) while (i >= 0 && this.openSteps[i]!.agent !== name) i--;
    const step = this.openSteps[i];
    if (!step) return;
    this.openSteps.splice(i, 1);
    step.end = e.timestamp;
    step.durationMs = e.durationMs ?? (step.start !== null && e.timestamp !== null ? roundMs(e.timestamp - step.start) : null);
    if (step.start === null && step.end !== null && step.durationMs !== null) step.start = step.end - step.durationMs;
    if (e.error) step.error = e.error;
    const failed = e.error !== null || isFailureStatus(e.status);
    step.status = failed || step.status === 'failed' ? 'failed' : 'ok';
  }

  private newCall(e: TraceEvent, src: SourceRef, status: LlmCall['status']): LlmCall {
    const modelId = normaliseModelId(e.model);
    const provider = e.type.startsWith('provider_call') ? (e.provider ?? e.agentField) : e.provider;
    const call: LlmCall = {
      kind: 'llm',
      index: this.calls.length + 1,
      agent: this.agentOf(e),
      provider: providerFor(provider, modelId, e.model),
      model: e.model,
      modelId,
      inputTokens: null,
      outputTokens: null,
      totalTokens: null,
      start: e.timestamp,
      end: null,
      durationMs: null,
      costPico: null,
      costSource: 'unpriced',
      unpricedReason: null,
      status,
      error: null,
      prompt: this.keepText ? e.prompt : null,
      response: null,
      source: src,
    };
    this.calls.push(call);
    this.attach(call);
    return call;
  }

  /** Applies what an end line (or a one-line call) says: tokens, duration, cost, status. */
  private completeCall(call: LlmCall, e: TraceEvent): void {
    if (e.model && !call.model) {
      call.model = e.model;
      call.modelId = normaliseModelId(e.model);
      if (call.provider === 'Other') call.provider = providerFor(e.provider, call.modelId, e.model);
    }
    call.inputTokens = e.inputTokens ?? call.inputTokens;
    call.outputTokens = e.outputTokens ?? call.outputTokens;
    call.totalTokens = e.totalTokens ?? call.totalTokens;
    const single = e.role === 'call';
    call.end = e.timestamp;
    if (e.durationMs !== null) call.durationMs = e.durationMs;
    else if (call.start !== null && call.end !== null && !single) call.durationMs = roundMs(call.end - call.start);
    if (single) call.start = call.end !== null && call.durationMs !== null ? call.end - call.durationMs : call.end;
    else if (call.start === null && call.end !== null && call.durationMs !== null) call.start = call.end - call.durationMs;
    this.widen(call.start);
    if (e.costUsd !== null && !(e.costUsd === 0 && isPlaceholderModel(e.model ?? call.model))) {
      call.costPico = usdToPico(e.costUsd);
      call.costSource = 'reported';
    }
    if (this.keepText) {
      if (e.response !== null) call.response = e.response;
      if (e.prompt && !call.prompt) call.prompt = e.prompt;
    }
    if (e.role === 'call_error' || e.error !== null || isFailureStatus(e.status)) {
      call.status = 'failed';
      call.error = e.error ?? e.status ?? 'error';
    } else {
      call.status = 'ok';
    }
  }

  private endCall(e: TraceEvent, src: SourceRef): void {
    const agent = this.agentOf(e);
    const i = this.openCalls.findIndex((c) => this.matchesOpenCall(c, e, agent));
    let call: LlmCall;
    if (i === -1) {
      // An end with no start is a complete call on its own.
      call = this.newCall(e, src, 'ok');
      call.start = null;
    } else {
      call = this.openCalls[i]!;
      this.openCalls.splice(i, 1);
      this.callIds.delete(call);
    }
    this.completeCall(call, e);
  }

  private foldCost(e: TraceEvent, src: SourceRef): void {
    const agent = this.agentOf(e);
    const modelId = normaliseModelId(e.model);
    const hasCost = e.costUsd !== null && !(e.costUsd === 0 && modelId === null);
    // The agent hook's record (cost 0, model "unknown", tokens guessed from characters) says
    // "no cost known": it changes nothing.
    if (!hasCost && modelId === null) {
      this.attach(this.event(e, src, 'no cost known (agent hook estimate)'));
      return;
    }
    for (let i = this.calls.length - 1; i >= 0 && i >= this.calls.length - 16; i--) {
      const call = this.calls[i]!;
      if (this.costed.has(call)) continue;
      if (agent && call.agent && call.agent !== agent) continue;
      if (modelId && call.modelId && call.modelId !== modelId) continue;
      this.costed.add(call);
      if (e.inputTokens !== null) call.inputTokens = e.inputTokens;
      if (e.outputTokens !== null) call.outputTokens = e.outputTokens;
      if (!call.model && e.model) {
        call.model = e.model;
        call.modelId = modelId;
      }
      if (hasCost) {
        call.costPico = usdToPico(e.costUsd!);
        call.costSource = 'reported';
      }
      return;
    }
    // A priced record with no call before it stands for a call of its own, so its cost is not lost.
    const call = this.newCall(e, src, 'ok');
    this.costed.add(call);
    this.completeCall(call, { ...e, role: 'call', durationMs: null });
  }

  private markError(e: TraceEvent, src: SourceRef): void {
    this.sawError = true;
    const agent = this.agentOf(e);
    let step: AgentStep | undefined;
    for (let i = this.openSteps.length - 1; i >= 0; i--) {
      if (!agent || this.openSteps[i]!.agent === agent) {
        step = this.openSteps[i];
        break;
      }
    }
    const message = e.error ?? 'error';
    if (step) {
      step.status = 'failed';
      step.error ??= message;
      const last = lastCallIn(step);
      if (last) failCall(last, message);
      // An error naming a model in a step that made no call is a call that failed before it returned.
      else if (e.model) {
        const call = this.newCall(e, src, 'failed');
        this.completeCall(call, { ...e, role: 'call_error' });
        call.durationMs = e.durationMs;
      }
    } else {
      const last = this.calls[this.calls.length - 1];
      if (last && (!agent || last.agent === agent)) failCall(last, message);
    }
    this.attach(this.event(e, src, message));
  }

  /** An end pairs with the oldest open start of the same call id, else of the same agent and model. */
  private matchesOpenCall(call: LlmCall, e: TraceEvent, agent: string | null): boolean {
    const id = this.callIds.get(call);
    if (e.callId !== null && id !== undefined) return id === e.callId;
    if (agent && call.agent && agent !== call.agent) return false;
    if (e.model && call.model && normaliseModelId(e.model) !== call.modelId) return false;
    return true;
  }

  /** Closes what was left open: steps and calls without an end are incomplete. */
  finish(): void {
    for (const step of this.openSteps) {
      if (step.status !== 'failed') step.status = 'incomplete';
    }
    for (const call of this.openCalls) call.status = 'incomplete';
  }

  get hasOpenWork(): boolean {
    return this.openSteps.length > 0 || this.openCalls.length > 0;
  }
}

function failCall(call: LlmCall, message: string): void {
  call.status = 'failed';
  call.error ??= message;
}

function lastCallIn(step: AgentStep): LlmCall | undefined {
  for (let i = step.children.length - 1; i >= 0; i--) {
    const n = step.children[i]!;
    if (n.kind === 'llm') return n;
  }
  return undefined;
}


const OK_STATUSES = new Set(['ok', 'success', 'succeeded', 'successful', 'completed', 'complete', 'done', 'finished', 'passed']);

export function isFailureStatus(status: string | null): boolean {
  return status !== null && !OK_STATUSES.has(status.toLowerCase());
}
