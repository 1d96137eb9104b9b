// A small reference executor for Amazon States Language in JSONata mode,
// written from the AWS Step Functions documentation ("Transforming data with
// JSONata", "Passing data between states with variables", the state type
// pages). It shares no code with the Weft engine: it evaluates with jsonata
// 2.0.6 (the version Step Functions implements) and knows nothing of Weft.
//
// What it models, as the docs describe it:
//   - `{% … %}` strings are JSONata; anything else is a literal. Expressions
//     see `$states.input`, `$states.context`, `$states.result` (Task, Map,
//     Parallel: Output and Assign), `$states.errorOutput` (Catch) and the
//     workflow variables; the JSONata context itself is not bound.
//   - Output and Assign are evaluated together from the same values; the
//     variables a state assigns are visible from the next state on.
//   - Parallel branches and Map iterations read outer variables; what they
//     assign stays inside them.
//   - An expression that fails, or that yields nothing where a value is
//     needed, raises States.QueryEvaluationError.
//   - Task: Retry (MaxAttempts, ErrorEquals, States.ALL), Catch (first match);
//     Task, Map and Parallel can catch; Pass, Choice, Wait cannot.
//   - The HTTP Task fails with States.Http.StatusCode.<code> on a non-2xx.
// Task resources do not run: each Task state answers from a mock table keyed
// by state name, and the calls are recorded for the test to inspect.

import jsonata from 'jsonata206';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A Task's answer: a result, or an error with its cause. */
export type MockAnswer = { result: Json } | { error: string; cause: string };

/** State name -> answer, or one answer per attempt (the last repeats). */
export type MockTable = Record<string, MockAnswer | MockAnswer[]>;

export interface TaskCall {
  state: string;
  resource: string;
  arguments: Json;
}

export interface Execution {
  status: 'SUCCEEDED' | 'FAILED';
  output?: Json;
  error?: string;
  cause?: string;
  /** Every state entered, in order (branch and iteration states included). */
  visited: string[];
  calls: TaskCall[];
  /** Errors that a Catch handled, in order. */
  caught: Array<{ state: string; error: string; cause: string }>;
}

class StatesError extends Error {
  constructor(
    readonly error: string,
    override readonly cause: string,
  ) {
    super(`${error}: ${cause}`);
  }
}

/** The end of an execution path: Succeed, End, or a Fail (thrown as StatesError). */
interface PathEnd {
  output: Json;
}

class Variables {
  private readonly own = new Map<string, Json>();
  constructor(
    private readonly parent?: Variables,
    /** Pins `$now()`/`$millis()` (ms since the epoch), as the preview does; undefined: the real clock. */
    readonly clock: number | undefined = parent?.clock,
  ) {}

  bindings(): Record<string, Json> {
    const outer = this.parent ? this.parent.bindings() : {};
    for (const [k, v] of this.own) outer[k] = v;
    return outer;
  }

  assign(values: Record<string, Json>): void {
    for (const [k, v] of Object.entries(values)) this.own.set(k, v);
  }

  child(): Variables {
    return new Variables(this);
  }
}

interface StatesBinding {
  input: Json;
  context: Json;
  result?: Json;
  errorOutput?: Json;
}

const EXPRESSION = /^\{%([\s\S]*)%\}$/;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies a JSONata result into plain JSON (sequences become arrays). */
function plain(value: unknown): Json | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') {
    throw new StatesError('States.QueryEvaluationError', 'an expression yielded a function');
  }
  return JSON.parse(JSON.stringify(value)) as Json;
}

// Step Functions, too, stops runaway expressions. Depth alone is not enough:
// jsonata turns tail calls into a loop, so the steps are counted as well.
const MAX_DEPTH = 500;
const MAX_STEPS = 200_000;

function guard(expression: ReturnType<typeof jsonata>): void {
  let depth = 0;
  let steps = 0;
  const fail = () => {
    throw new StatesError('States.QueryEvaluationError', 'the expression ran too long or too deep');
  };
  // jsonata's evaluation hooks are bound under these symbols.
  const hook = expression.assign as unknown as (name: symbol, value: unknown) => void;
  hook(
    Symbol.for('jsonata.__evaluate_entry'),
    (_e: unknown, _i: unknown, env: { isParallelCall?: boolean }) => {
      if (env.isParallelCall) return;
      if (++depth > MAX_DEPTH || ++steps > MAX_STEPS) fail();
    },
  );
  hook(
    Symbol.for('jsonata.__evaluate_exit'),
    (_e: unknown, _i: unknown, env: { isParallelCall?: boolean }) => {
      if (env.isParallelCall) return;
      depth--;
    },
  );
}

async function evaluate(
  text: string,
  states: StatesBinding,
  vars: Variables,
): Promise<Json | undefined> {
  const clock = vars.clock;
  try {
    const expression = jsonata(text);
    guard(expression);
    const pinned =
      clock === undefined ? {} : { now: () => new Date(clock).toISOString(), millis: () => clock };
    const value: unknown = await expression.evaluate(undefined, {
      ...vars.bindings(),
      ...pinned,
      states,
    });
    return plain(value);
  } catch (err) {
    if (err instanceof StatesError) throw err;
    const e = err as { message?: string };
    throw new StatesError('States.QueryEvaluationError', e.message ?? String(err));
  }
}

/** Evaluates a field value: a `{% %}` string, or a template whose strings may be. */
async function template(
  value: Json,
  states: StatesBinding,
  vars: Variables,
  field: string,
): Promise<Json> {
  if (typeof value === 'string') {
    const match = EXPRESSION.exec(value);
    if (!match) return value;
    const result = await evaluate(match[1] ?? '', states, vars);
    if (result === undefined) {
      throw new StatesError(
        'States.QueryEvaluationError',
        `the ${field} expression yielded nothing: ${value}`,
      );
    }
    return result;
  }
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (const item of value) out.push(await template(item, states, vars, field));
    return out;
  }
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = await template(v, states, vars, field);
    return out;
  }
  return value;
}

async function assignments(
  assign: Json | undefined,
  states: StatesBinding,
  vars: Variables,
): Promise<Record<string, Json>> {
  if (!isObject(assign)) return {};
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(assign))
    out[k] = await template(v, states, vars, `Assign.${k}`);
  return out;
}

function errorMatches(equals: Json | undefined, error: string): boolean {
  if (!Array.isArray(equals)) return false;
  return equals.some(
    (e) =>
      e === 'States.ALL' ||
      e === error ||
      (e === 'States.TaskFailed' &&
        error !== 'States.Timeout' &&
        !error.startsWith('States.Runtime')),
  );
}

export interface ExecuteOptions {
  mocks: MockTable;
  /** Bound as `$states.context`. */
  context?: Json;
  /** Stops runaway machines. */
  maxTransitions?: number;
  /** Pins `$now()` and `$millis()` to this instant (ms since the epoch). */
  clock?: number;
}

class Executor {
  readonly visited: string[] = [];
  readonly calls: TaskCall[] = [];
  readonly caught: Execution['caught'] = [];
  private readonly attempts = new Map<string, number>();
  private transitions = 0;

  constructor(private readonly options: ExecuteOptions) {}

  private context(): Json {
    return (
      this.options.context ?? {
        Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:weft:test', Input: null },
        StateMachine: {
          Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:weft',
          Name: 'weft',
        },
        Task: { Token: 'task-token-for-tests' },
      }
    );
  }

  /** Runs a States map from StartAt to its end. */
  async runStates(machine: JsonObject, input: Json, vars: Variables): Promise<PathEnd> {
    const states = machine.States;
    if (!isObject(states)) throw new StatesError('States.Runtime', 'no States');
    let name = machine.StartAt;
    let value = input;
    for (;;) {
      if (typeof name !== 'string' || !isObject(states[name])) {
        throw new StatesError('States.Runtime', `no state named ${String(name)}`);
      }
      if (++this.transitions > (this.options.maxTransitions ?? 10_000)) {
        throw new StatesError('States.Runtime', 'too many state transitions');
      }
      this.visited.push(name);
      const state = states[name] as JsonObject;
      const step = await this.runState(name, state, value, vars);
      if (step.next === undefined) return { output: step.output };
      name = step.next;
      value = step.output;
    }
  }

  private async runState(
    name: string,
    state: JsonObject,
    input: Json,
    vars: Variables,
  ): Promise<{ output: Json; next?: string }> {
    const base: StatesBinding = { input, context: this.context() };
    const finish = async (binding: StatesBinding, fallback: Json, extraAssign?: Json) => {
      const output =
        state.Output !== undefined
          ? await template(state.Output, binding, vars, 'Output')
          : fallback;
      const assigned = {
        ...(await assignments(state.Assign, binding, vars)),
        ...(await assignments(extraAssign, binding, vars)),
      };
      vars.assign(assigned);
      return state.End === true || state.Type === 'Succeed'
        ? { output }
        : { output, next: state.Next as string };
    };
    switch (state.Type) {
      case 'Pass':
        return finish(base, input);
      case 'Succeed':
        return finish(base, input);
      case 'Wait': {
        const seconds = await template(state.Seconds ?? 0, base, vars, 'Seconds');
        if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
          throw new StatesError(
            'States.QueryEvaluationError',
            `Seconds must be a non-negative integer, not ${JSON.stringify(seconds)}`,
          );
        }
        return finish(base, input);
      }
      case 'Fail': {
        const error =
          state.Error === undefined
            ? 'States.Fail'
            : await template(state.Error, base, vars, 'Error');
        const cause =
          state.Cause === undefined ? '' : await template(state.Cause, base, vars, 'Cause');
        throw new StatesError(
          String(error),
          typeof cause === 'string' ? cause : JSON.stringify(cause),
        );
      }
      case 'Choice': {
        const rules = Array.isArray(state.Choices) ? state.Choices : [];
        for (const rule of rules) {
          if (!isObject(rule)) continue;
          const verdict = await template(rule.Condition ?? false, base, vars, 'Condition');
          if (typeof verdict !== 'boolean') {
            throw new StatesError(
              'States.QueryEvaluationError',
              `a Condition gave ${JSON.stringify(verdict)}, not a boolean`,
            );
          }
          if (verdict) {
            const out = await finish(base, input, rule.Assign);
            return { output: out.output, next: rule.Next as string };
          }
        }
        if (typeof state.Default !== 'string') {
          throw new StatesError('States.NoChoiceMatched', `no rule of ${name} matched`);
        }
        const out = await finish(base, input);
        return { output: out.output, next: state.Default };
      }
      case 'Task':
      case 'Map':
      case 'Parallel':
        return this.runCatching(name, state, input, vars, base, finish);
      default:
        throw new StatesError('States.Runtime', `unknown state type ${String(state.Type)}`);
    }
  }

  /** Task, Map and Parallel: the work, with Retry and Catch around it. */
  private async runCatching(
    name: string,
    state: JsonObject,
    input: Json,
    vars: Variables,
    base: StatesBinding,
    finish: (binding: StatesBinding, fallback: Json) => Promise<{ output: Json; next?: string }>,
  ): Promise<{ output: Json; next?: string }> {
    const retriers = Array.isArray(state.Retry) ? state.Retry.filter(isObject) : [];
    const retried = new Map<JsonObject, number>();
    for (;;) {
      try {
        const result = await this.work(name, state, input, vars, base);
        return await finish({ ...base, result }, result);
      } catch (err) {
        if (!(err instanceof StatesError)) throw err;
        const retrier = retriers.find((r) => errorMatches(r.ErrorEquals, err.error));
        const max = retrier && typeof retrier.MaxAttempts === 'number' ? retrier.MaxAttempts : 3;
        if (retrier && (retried.get(retrier) ?? 0) < max) {
          retried.set(retrier, (retried.get(retrier) ?? 0) + 1);
          continue;
        }
        const catchers = Array.isArray(state.Catch) ? state.Catch.filter(isObject) : [];
        const catcher = catchers.find((c) => errorMatches(c.ErrorEquals, err.error));
        if (!catcher) throw err;
        this.caught.push({ state: name, error: err.error, cause: err.cause });
        const errorOutput: JsonObject = { Error: err.error, Cause: err.cause };
        const binding: StatesBinding = { ...base, errorOutput };
        const output =
          catcher.Output !== undefined
            ? await template(catcher.Output, binding, vars, 'Output')
            : errorOutput;
        vars.assign(await assignments(catcher.Assign, binding, vars));
        return { output, next: catcher.Next as string };
      }
    }
  }

  private async work(
    name: string,
    state: JsonObject,
    input: Json,
    vars: Variables,
    base: StatesBinding,
  ): Promise<Json> {
    if (state.Type === 'Parallel') {
      const branches = Array.isArray(state.Branches) ? state.Branches.filter(isObject) : [];
      const branchInput =
        state.Arguments !== undefined
          ? await template(state.Arguments, base, vars, 'Arguments')
          : input;
      const results: Json[] = [];
      // Branches run one after another here; their outcomes do not depend on order.
      for (const branch of branches)
        results.push((await this.runStates(branch, branchInput, vars.child())).output);
      return results;
    }
    if (state.Type === 'Map') {
      const items =
        state.Items !== undefined ? await template(state.Items, base, vars, 'Items') : input;
      if (!Array.isArray(items)) {
        throw new StatesError(
          'States.QueryEvaluationError',
          `Items must be an array, not ${JSON.stringify(items)}`,
        );
      }
      const processor = state.ItemProcessor;
      if (!isObject(processor))
        throw new StatesError('States.Runtime', 'Map without ItemProcessor');
      const results: Json[] = [];
      for (const item of items)
        results.push((await this.runStates(processor, item, vars.child())).output);
      return results;
    }
    const resource = String(state.Resource);
    const args =
      state.Arguments !== undefined
        ? await template(state.Arguments, base, vars, 'Arguments')
        : input;
    this.calls.push({ state: name, resource, arguments: args });
    const entry = this.options.mocks[name];
    if (entry === undefined)
      throw new StatesError('States.TaskFailed', `no mock for Task state "${name}"`);
    const attempt = this.attempts.get(name) ?? 0;
    this.attempts.set(name, attempt + 1);
    const answer = Array.isArray(entry) ? entry[Math.min(attempt, entry.length - 1)] : entry;
    if (!answer) throw new StatesError('States.TaskFailed', `no mock for Task state "${name}"`);
    if ('error' in answer) throw new StatesError(answer.error, answer.cause);
    const status = isObject(answer.result) ? answer.result.StatusCode : undefined;
    if (
      resource === 'arn:aws:states:::http:invoke' &&
      typeof status === 'number' &&
      (status < 200 || status > 299)
    ) {
      throw new StatesError(`States.Http.StatusCode.${status}`, `The API answered ${status}`);
    }
    return answer.result;
  }
}

/** Runs a state machine definition on an input. Never throws for a failed execution. */
export async function execute(
  machine: JsonObject,
  input: Json,
  options: ExecuteOptions,
): Promise<Execution> {
  const executor = new Executor(options);
  try {
    const end = await executor.runStates(machine, input, new Variables(undefined, options.clock));
    return {
      status: 'SUCCEEDED',
      output: end.output,
      visited: executor.visited,
      calls: executor.calls,
      caught: executor.caught,
    };
  } catch (err) {
    if (!(err instanceof StatesError)) throw err;
    return {
      status: 'FAILED',
      error: err.error,
      cause: err.cause,
      visited: executor.visited,
      calls: executor.calls,
      caught: executor.caught,
    };
  }
}
