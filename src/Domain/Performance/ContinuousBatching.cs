using Sizing.Domain.Deployment;
using Sizing.Domain.Units;

namespace Sizing.Domain.Performance;

/// <summary>Continuous batching under a load: admission, the running batch's steps, and the waits in front of them.</summary>
/// <remarks>
/// <para>Admission: the engine runs at most <see cref="EngineLimits.MaxRunning"/> requests (max_num_seqs, or what its KV pool
/// holds); the rest wait (vLLM v1 scheduler.py schedules waiting requests only while allocate_slots finds blocks and the
/// running list is below max_num_seqs; SGLang's PrefillAdder and TensorRT-LLM's capacity scheduler do the same).</para>
/// <para>Steady state with B running: requests complete at x = B / E2E, so each step also carries the prompt tokens of the
/// requests that replace them, x·in per unit time, chunked by the token budget. A running request's decode steps carry
/// other requests' prompts only (a request alone decodes in pure decode steps, whatever its own prompt). A new request waits
/// for the step in progress (none when it runs alone), for the prompt work already queued — an M/D/1 wait whose utilisation
/// is the arrival rate times one prompt's prefill time — and then for its own prefill chunks.</para>
/// <para>Past capacity TPOT and throughput plateau, and N closed-loop clients see TTFT = N/x − (out − 1)·TPOT (Little's law):
/// it grows linearly with N. A burst admits what fits, prefills it through the token budget, and admits the rest as running
/// requests finish; an open-loop rate beyond capacity builds a queue that grows for as long as the run lasts.</para>
/// </remarks>
internal static class ContinuousBatching
{
    /// <summary>Fixed-point iterations of the steady state; the prompt load per step settles within a few.</summary>
    private const int Iterations = 3;

    private const double Z90 = 1.2816;
    private const double Z99 = 2.3263;

    public static PerformanceEstimate Estimate(DeploymentInput input, StepModel model, EngineLimits limits, int? clients)
    {
        var flow = new Flow(input, model, limits);
        return input.Arrival switch
        {
            // A burst of no stated size is an offline run that keeps the engine full.
            Arrival.Burst when input.Requests is null && clients is null => flow.Steady(limits.MaxRunning, null),
            Arrival.Burst => flow.Burst(Math.Max(1, input.Requests ?? clients ?? limits.MaxRunning)),
            Arrival.Rate when input.RequestsPerSecond is { } rate && rate > 0 => flow.Rate(rate, Math.Max(1, input.Requests ?? BatchingNames.DefaultRunRequests)),

            // Saturation without a client count keeps the engine full, out of step: the steady state at capacity.
            Arrival.Waves when clients is { } n => flow.Waves(Math.Max(1, n), input.Requests),
            _ => flow.Steady(Math.Max(1, clients ?? limits.MaxRunning), input.Requests),
        };
    }

    /// <summary><see cref="Estimate"/>'s headline figures, without its object graph where the load is a closed loop in steady
    /// state (what a search compares at thousands of points).</summary>
    public static PerformancePoint Headline(DeploymentInput input, StepModel model, EngineLimits limits, int clients) =>
        input.Arrival == Arrival.Steady && input.Requests is null
            ? new Flow(input, model, limits).SteadyHeadline(Math.Max(1, clients))
            : PerformancePoint.Of(Estimate(input, model, limits, clients));

    /// <summary>The steady state of one running batch: its step times and the waits of a request that joins it.</summary>
    /// <param name="Running">Requests running.</param>
    /// <param name="Rate">Requests completed (and admitted) per second.</param>
    /// <param name="Tpot">Mean time per output token a running request sees.</param>
    /// <param name="DecodeOnly">Time per output token of steps that carry no prompt work.</param>
    /// <param name="MixedShare">Share of a running request's steps that carry other requests' prompt work.</param>
    /// <param name="Ttft">Time to first token once admitted: overhead, the step in progress, queued prompt work, own prefill.</param>
    /// <param name="Fixed">The part of <paramref name="Ttft"/> every request pays: overhead and own prefill.</param>
    /// <param name="Residual">Mean wait for the step in progress.</param>
    /// <param name="QueueWait">Mean wait behind other prompts for the step budget.</param>
    /// <param name="Busy">Probability a new request finds prompt work queued ahead of it.</param>
    private readonly record struct Service(
        double Running, double Rate, Seconds Tpot, Seconds DecodeOnly, double MixedShare, Seconds Ttft, Seconds Fixed,
        Seconds Residual, Seconds QueueWait, double Busy, StepCost DecodeStep, StepCost PrefillStep, int MicroBatches);

    /// <summary>What a load comes to before it is written up as an estimate.</summary>
    private readonly record struct Outcome(
        int InFlight, Service S, Seconds Ttft, Seconds Tpot, double Rate, double Running, double Waiting, LatencyPercentiles TtftTail, LatencyPercentiles TpotTail);

    private sealed class Flow(DeploymentInput input, StepModel model, EngineLimits limits)
    {
        private readonly int _in = input.InputTokens;
        private readonly int _out = Math.Max(1, input.OutputTokens);
        private readonly int _stages = input.Memory.Parallelism.Pipeline;

        /// <summary>Mean context of a running request: its prompt and half its output.</summary>
        private double Context => _in + (_out / 2.0);

        /// <summary>N clients in a closed loop; with a run of <paramref name="requests"/>, the first N arrive at once.</summary>
        public PerformanceEstimate Steady(int clients, int? requests) => Figures(SteadyState(clients, requests));

        /// <summary><see cref="Steady"/>'s headline figures, without the estimate's object graph.</summary>
        public PerformancePoint SteadyHeadline(int clients)
        {
            var o = SteadyState(clients, null);
            return new PerformancePoint(o.Ttft, o.Tpot, E2e(o.Ttft, o.Tpot), o.Rate * _out, o.Rate, o.TtftTail.P99, o.TpotTail.P99);
        }

        private Outcome SteadyState(int clients, int? requests)
        {
            var running = Math.Min(clients, limits.MaxRunning);
            var s = Serve(running, null);
            var tpot = s.Tpot;
            var rate = s.Rate;
            var tail = new SteadyTail(s);
            if (clients > running)
            {
                // Past capacity the engine completes requests at its plateau rate; Little's law gives the clients' E2E. The
                // wait for a slot is N − B completions of desynchronised requests: a Gamma spread around its mean.
                var e2eClient = Seconds.From(clients / rate);
                tail = new SteadyTail(s, Seconds.Max(s.Ttft, e2eClient - (tpot * (_out - 1))), Seconds.From(Math.Sqrt(clients - running) / rate));
            }

            var ttft = tail.Mean;
            LatencyPercentiles ttftTail;
            if (requests is { } run && run > 0)
            {
                // A benchmark run's first wave of clients arrives at once and queues for the step budget: the run's TTFTs are a
                // mixture of the wave's and the steady state's.
                var wave = FirstWave(Math.Min(clients, running), s);
                var share = Math.Min(1, (double)Math.Min(clients, run) / run);
                ttft = (wave.Mean * share) + (ttft * (1 - share));
                var ttftAt = Mixture(wave.At, tail.At, share);
                ttftTail = new LatencyPercentiles(ttftAt(0.5), ttftAt(0.9), ttftAt(0.99));
            }
            else
            {
                ttftTail = new LatencyPercentiles(tail.At(0.5), tail.At(0.9), tail.At(0.99));
            }

            return new Outcome(clients, s, ttft, tpot, rate, running, Math.Max(0, clients - running), ttftTail, TpotTail(s, tpot));
        }

        /// <summary>N clients whose fixed-length requests stay in step, for a run of <paramref name="requests"/> (default
        /// <see cref="BatchingNames.DefaultRunWaves"/> waves).</summary>
        /// <remarks>
        /// <para>The run starts with all N at once: the budget prefills them in groups of g = ⌊budget / in⌋ (or one prompt over
        /// c = ⌈in / budget⌉ steps), k = ⌈N / g⌉ groups, the j-th first token after j group steps. Every running request then
        /// decodes one token per step, so the groups finish in the order and at the spacing they started, and their clients'
        /// next requests arrive in the same groups: each later wave's group finds the previous group's prefill step in progress
        /// (none when one group holds every client: the engine is idle) and takes its own. A running request's out − 1 steps
        /// carry the other k − 1 groups' prefills; when they do not fit in its decode steps, prefill sets the pace and the
        /// clients queue for it (Little's law). Past capacity, the waiting clients enter as groups finish: TTFT = N/x − (out − 1)·TPOT.</para>
        /// <para>Length spread (ShareGPT, random-range ratios) puts the clients out of step; <see cref="Arrival.Steady"/> is that
        /// limit.</para>
        /// </remarks>
        public PerformanceEstimate Waves(int clients, int? requests)
        {
            var running = Math.Min(clients, limits.MaxRunning);
            var s = Serve(running, null);
            var microBatches = s.MicroBatches;
            var perMicroBatch = running / (double)microBatches;
            var skew = model.PipelineSkew(microBatches);
            // A wave that fits one step's budget arrives at an idle engine (its clients all finished together): the whole budget
            // is the prompts'. Otherwise the other groups' decodes take their share of every step.
            var oneStep = running * _in <= limits.BatchedTokens;
            var budget = oneStep ? limits.BatchedTokens : Math.Max(1, limits.BatchedTokens - perMicroBatch);
            var group = _in <= budget ? Math.Min(running, Math.Max(1, Math.Floor(budget / _in))) : 1;
            var groups = Math.Ceiling(running / group);

            // A prompt longer than the budget spans in / budget full steps: the scheduler fills each step's budget, so one prompt's
            // last chunk shares its step with the next prompt's first (alone, it takes a step of its own).
            var chunks = _in <= budget ? 1 : groups > 1 ? _in / budget : Math.Ceiling(_in / budget);

            // A group's prefill step: its prompts (or one chunk of one) beside the other groups' decodes.
            var alongside = groups > 1 ? Math.Max(0, perMicroBatch - group) : 0;
            Seconds Step(double tokens, double logits) =>
                PerformanceEstimator.Latency(model, model.Cost(alongside, Context, tokens, _in, alongside + logits), _stages, alongside + tokens) * skew;
            var full = _in > budget ? Step(budget, groups > 1 ? 1 : 0) : Step(group * _in, group);
            var last = _in > budget && groups == 1 ? Step(_in - ((chunks - 1) * budget), 1) : full;
            var prefill = _in > budget && groups == 1 ? (full * (chunks - 1)) + last : full * chunks;
            var residual = groups > 1 ? full : Seconds.Zero;
            var ttft = model.RequestOverhead + residual + prefill;

            // The other groups' prefill steps fall among a request's decode steps, or, when they do not fit there, pace the run.
            var mixedSteps = (groups - 1) * chunks;
            var decodeSteps = _out - 1;
            var mixedStep = prefill / chunks;
            Seconds tpot;
            if (decodeSteps <= 0)
            {
                tpot = s.DecodeOnly;
            }
            else if (mixedSteps <= decodeSteps)
            {
                tpot = ((mixedStep * mixedSteps) + (s.DecodeOnly * (decodeSteps - mixedSteps))) / decodeSteps;
            }
            else
            {
                tpot = mixedStep;
                ttft = Seconds.Max(ttft, Seconds.From(running * chunks * mixedStep.Value / group) - (tpot * decodeSteps));
            }

            var rate = running / (ttft + (tpot * decodeSteps)).Value;

            // Past capacity the waiting clients enter as running groups finish: N clients at the running batch's rate (Little's law).
            var inStep = Seconds.Max(ttft, Seconds.From(clients / rate) - (tpot * decodeSteps));

            // The run's first wave arrives at once and its groups queue for the budget; later waves keep their spacing.
            var first = new Wave(model.RequestOverhead, full, groups * chunks, Seconds.Zero);
            var waves = Math.Max(1.0, (double)(requests ?? (clients * BatchingNames.DefaultRunWaves)) / clients);
            var share = clients > running ? 0 : 1 / waves;
            var mean = (first.Mean * share) + (inStep * (1 - share));
            var at = Mixture(first.At, _ => inStep, share);
            return Figures(clients, s, mean, tpot, rate, running, clients - running, new LatencyPercentiles(at(0.5), at(0.9), at(0.99)),
                LatencyPercentiles.Constant(tpot));
        }

        /// <summary><paramref name="requests"/> arriving at once: the engine admits what fits, the rest as slots free.</summary>
        public PerformanceEstimate Burst(int requests)
        {
            var running = Math.Min(requests, limits.MaxRunning);
            var s = Serve(running, null);
            var wave = FirstWave(running, s);
            var queued = requests - running;

            // Request j > B is admitted when j − B running requests have finished, then prefills like any other.
            Seconds At(double q)
            {
                var j = Math.Max(1, Math.Ceiling(q * requests));
                return j <= running ? wave.At(j / running) : Seconds.From((j - running) / s.Rate) + s.Ttft;
            }

            var ttft = ((wave.Mean * running) + ((s.Ttft + Seconds.From((queued + 1) / 2.0 / s.Rate)) * queued)) / requests;
            Seconds tpot;
            double rate;
            if (queued == 0)
            {
                // Nothing arrives after the burst: the requests decode in pure decode steps once the burst's prefills are done,
                // and each sees the prefill steps still to come after its own first token.
                var mixedSteps = Math.Min(_out - 1, wave.Steps / 2);
                tpot = _out > 1 ? ((s.DecodeOnly * (_out - 1 - mixedSteps)) + (wave.Step * mixedSteps)) / (_out - 1) : s.DecodeOnly;
                var duration = (wave.Step * wave.Steps) + (s.DecodeOnly * (_out - 1)) + model.RequestOverhead;
                rate = requests / duration.Value;
            }
            else
            {
                tpot = s.Tpot;
                var duration = (wave.Step * wave.Steps) + Seconds.From(queued / s.Rate) + (s.Ttft + (tpot * (_out - 1)));
                rate = requests / duration.Value;
            }

            return Figures(requests, s, ttft, tpot, rate, running, queued / 2.0, new LatencyPercentiles(At(0.5), At(0.9), At(0.99)));
        }

        /// <summary>Requests arriving at <paramref name="arrivals"/> per second whatever the engine does (open loop).</summary>
        public PerformanceEstimate Rate(double arrivals, int requests)
        {
            var saturated = Serve(limits.MaxRunning, null);
            if (arrivals < saturated.Rate)
            {
                // Little's law with a latency that depends on the batch: B = λ·E2E(B), iterated from the unloaded E2E.
                var running = Math.Min(limits.MaxRunning, Math.Max(1, arrivals * (Serve(1, arrivals).Ttft + (Serve(1, arrivals).Tpot * (_out - 1))).Value));
                var s = Serve(running, arrivals);
                for (var i = 0; i < Iterations; i++)
                {
                    running = Math.Clamp(arrivals * (s.Ttft + (s.Tpot * (_out - 1))).Value, 1, limits.MaxRunning);
                    s = Serve(running, arrivals);
                }

                return Figures((int)Math.Ceiling(running), s, s.Ttft, s.Tpot, arrivals, running, 0, EngineTail(s));
            }

            // Beyond capacity the queue grows through the run: request j arrives at j/λ and starts when j − B have finished.
            var capacity = saturated.Rate;
            var lag = (1 / capacity) - (1 / arrivals);
            Seconds Wait(double j) => Seconds.From(Math.Max(0, ((j - limits.MaxRunning) / capacity) - (j / arrivals)));
            var mean = Seconds.From(lag * Math.Max(0, requests - limits.MaxRunning) * Math.Max(0, requests - limits.MaxRunning) / 2.0 / requests);
            var tail = new LatencyPercentiles(
                saturated.Ttft + Wait(0.5 * requests), saturated.Ttft + Wait(0.9 * requests), saturated.Ttft + Wait(0.99 * requests));
            var waiting = Math.Max(0, (requests - limits.MaxRunning) * (1 - (capacity / arrivals)) / 2);
            return Figures(limits.MaxRunning + (int)Math.Ceiling(waiting), saturated, saturated.Ttft + mean, saturated.Tpot, capacity,
                limits.MaxRunning, waiting, tail);
        }

        /// <summary>The steady state with <paramref name="running"/> requests running, fed by their own replacements (closed loop)
        /// or by an open-loop rate.</summary>
        private Service Serve(double running, double? arrivals)
        {
            running = Math.Max(1, running);
            var microBatches = Math.Max(1, Math.Min(_stages, (int)Math.Ceiling(running)));
            var perMicroBatch = running / microBatches;
            var skew = model.PipelineSkew(microBatches);
            var decodeStep = model.Cost(perMicroBatch, Context, 0, 0, perMicroBatch);
            var decodeOnly = PerformanceEstimator.Latency(model, decodeStep, _stages, perMicroBatch) * skew;

            // A prompt is prefilled in chunks of what the token budget leaves beside the running decodes.
            var budget = Math.Max(1, limits.BatchedTokens - perMicroBatch);
            var chunk = Math.Min(_in, budget);
            var chunks = Math.Ceiling(_in / budget);

            // Arrivals a running request shares its steps with: in a closed loop its own replacement comes after it finishes.
            var others = arrivals is null ? (running - 1) / running : 1;
            var alone = arrivals is null && running <= 1;
            var tpot = decodeOnly;
            var seen = 0.0;
            var rate = arrivals ?? 0;
            Seconds ttft = default, fixedPart = default, residual = default, wait = default;
            StepCost prefillStep = decodeStep;
            double busy = 0, mixed = 0;
            double? costedAlongside = null;
            Seconds ownPrefill = default, promptTime = default;
            for (var i = 0; i < Iterations; i++)
            {
                // Own prompt chunk; other prompts share the step only when prompt work fills every step.
                // A prompt longer than the budget takes full-budget steps and then a step for what remains. These steps change
                // only with the prompt work alongside, which stays nil until prompts fill every step: costed once until then.
                var alongside = mixed >= 1 ? seen : 0;
                if (costedAlongside != alongside)
                {
                    costedAlongside = alongside;
                    var last = _in - ((chunks - 1) * budget);
                    prefillStep = model.Cost(perMicroBatch, Context, Math.Min(budget, chunk + alongside), _in, perMicroBatch + 1);
                    var lastStep = chunks > 1 ? model.Cost(perMicroBatch, Context, Math.Min(budget, last + alongside), _in, perMicroBatch + 1) : prefillStep;
                    ownPrefill = (PerformanceEstimator.Latency(model, prefillStep, _stages, perMicroBatch + chunk + alongside) * (chunks - 1))
                        + PerformanceEstimator.Latency(model, lastStep, _stages, perMicroBatch + last + alongside);
                    var withoutOwn = alongside > 0
                        ? PerformanceEstimator.Latency(model, model.Cost(perMicroBatch, Context, alongside, _in, perMicroBatch + (alongside / _in)), _stages, perMicroBatch + alongside)
                        : decodeOnly / skew;
                    promptTime = Seconds.Max(Seconds.Zero, ownPrefill - (withoutOwn * chunks));
                }

                fixedPart = model.RequestOverhead + ownPrefill;
                residual = alone ? Seconds.Zero : tpot / microBatches / 2;
                busy = Math.Min(0.95, rate * others * promptTime.Value);
                wait = promptTime * (busy / (2 * (1 - busy)));
                ttft = fixedPart + residual + wait;
                rate = arrivals ?? running / (ttft + (tpot * (_out - 1))).Value;

                // Prompts arrive whole, so prompt work comes in chunks: a share f of the steps carries one (or, once more than a
                // chunk arrives per step, every step carries what arrives). Averaging the chunk over all steps instead would
                // understate what a few extra tokens cost a memory-bound MoE step (each touches more experts).
                seen = Math.Min(budget, rate * others * _in * tpot.Value / microBatches);
                mixed = Math.Min(1, seen / chunk);
                if (seen > 0)
                {
                    var mixedTokens = Math.Max(seen, chunk);
                    var mixedStep = model.Cost(perMicroBatch, Context, mixedTokens, _in, perMicroBatch + (mixedTokens / _in));
                    var mixedTime = PerformanceEstimator.Latency(model, mixedStep, _stages, perMicroBatch + mixedTokens) * skew;
                    tpot = decodeOnly + ((mixedTime - decodeOnly) * mixed);
                }
            }

            // Prompt work cannot outrun the budget: every micro-batch step carries at most `budget` prompt tokens. A closed loop
            // whose replacements bring more is prefill-bound: every step is a full one, and the clients queue for it (Little's law).
            var fullTime = PerformanceEstimator.Latency(model, model.Cost(perMicroBatch, Context, budget, _in, perMicroBatch + (budget / _in)), _stages, perMicroBatch + budget) * skew;
            var prefillBound = microBatches * budget / (_in * fullTime.Value);
            if (arrivals is null && rate > prefillBound)
            {
                rate = prefillBound;
                tpot = Seconds.Max(tpot, fullTime);
                mixed = 1;
                ttft = Seconds.Max(ttft, Seconds.From(running / rate) - (tpot * (_out - 1)));
                wait = Seconds.Max(wait, ttft - fixedPart - residual);
                busy = 0.95;
            }

            return new Service(running, rate, tpot, decodeOnly, mixed, ttft, fixedPart, residual, wait, busy, decodeStep, prefillStep, microBatches);
        }

        /// <summary>A wave of <paramref name="count"/> requests admitted together: their prompts share the token budget, so the
        /// j-th first token comes after ⌈j·in / budget⌉ full steps.</summary>
        private Wave FirstWave(double count, Service s)
        {
            var budget = Math.Max(1, limits.BatchedTokens - (count / 2));
            var tokens = count * _in;
            var perStep = Math.Min(budget, tokens);
            var step = PerformanceEstimator.Latency(model, model.Cost(count / 2, _in, perStep, _in, (count / 2) + (perStep / _in)), _stages, perStep + (count / 2));
            var steps = Math.Ceiling(tokens / budget);
            return new Wave(model.RequestOverhead, step, steps, s.Residual);
        }

        private PerformanceEstimate Figures(Outcome o) =>
            Figures(o.InFlight, o.S, o.Ttft, o.Tpot, o.Rate, o.Running, o.Waiting, o.TtftTail, o.TpotTail);

        private Seconds E2e(Seconds ttft, Seconds tpot) => ttft + (tpot * (_out - 1));

        private PerformanceEstimate Figures(int inFlight, Service s, Seconds ttft, Seconds tpot, double rate, double running, double waiting, LatencyPercentiles ttftTail, LatencyPercentiles? tpotPercentiles = null)
        {
            var tpotTail = tpotPercentiles ?? TpotTail(s, tpot);
            return new PerformanceEstimate(inFlight, ttft, tpot, E2e(ttft, tpot), rate * _out, rate, s.DecodeStep, s.PrefillStep,
                PerformanceEstimator.Pipeline(model, _stages, s.MicroBatches, s.Running / s.MicroBatches),
                PerformanceEstimator.Bound(s.DecodeStep), running, waiting, limits.MaxRunning, ttftTail, tpotTail);
        }

        /// <summary>Quantiles of a mixture: a share of the requests follows <paramref name="first"/>, the rest <paramref name="second"/>.</summary>
        private static Func<double, Seconds> Mixture(Func<double, Seconds> first, Func<double, Seconds> second, double share)
        {
            const int points = 40;
            var values = new (Seconds Value, double Weight)[2 * points];
            for (var i = 0; i < points; i++)
            {
                var q = (i + 0.5) / points;
                values[i] = (first(q), share / points);
                values[points + i] = (second(q), (1 - share) / points);
            }

            Array.Sort(values, (a, b) => a.Value.CompareTo(b.Value));
            return q =>
            {
                var cumulative = 0.0;
                foreach (var (value, weight) in values)
                {
                    cumulative += weight;
                    if (cumulative >= q)
                    {
                        return value;
                    }
                }

                return values[^1].Value;
            };
        }

        /// <summary>TTFT quantiles of a closed loop in steady state: the engine's own wait while the clients fit, past capacity
        /// the queue for a slot (<paramref name="Queued"/> on average, a normal spread of <paramref name="Spread"/>).</summary>
        private readonly record struct SteadyTail(Service S, Seconds? Queued = null, Seconds Spread = default)
        {
            public Seconds Mean => Queued ?? S.Ttft;

            public Seconds At(double q) => Queued is { } queued
                ? Seconds.Max(S.Fixed, queued + (Spread * NormalQuantile(q)))
                : EngineQuantile(S, q);
        }

        /// <summary>TTFT quantiles of an admitted request: the fixed part, a uniform wait for the step in progress, and an
        /// M/D/1 wait (none with probability 1 − ρ, else roughly exponential).</summary>
        private static LatencyPercentiles EngineTail(Service s) =>
            new(EngineQuantile(s, 0.5), EngineQuantile(s, 0.9), EngineQuantile(s, 0.99));

        private static Seconds EngineQuantile(Service s, double q)
        {
            var queue = s.Busy > 0 && q > 1 - s.Busy
                ? s.QueueWait / s.Busy * Math.Log(s.Busy / (1 - q))
                : Seconds.Zero;
            return s.Fixed + (s.Residual * (2 * q)) + queue;
        }

        /// <summary>The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).</summary>
        private static double NormalQuantile(double p)
        {
            p = Math.Clamp(p, 1e-9, 1 - 1e-9);
            double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
            double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
            double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
            double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
            if (p < 0.02425)
            {
                var t = Math.Sqrt(-2 * Math.Log(p));
                var numerator = (((((((((c[0] * t) + c[1]) * t) + c[2]) * t) + c[3]) * t) + c[4]) * t) + c[5];
                var denominator = (((((((d[0] * t) + d[1]) * t) + d[2]) * t) + d[3]) * t) + 1;
                return numerator / denominator;
            }

            if (p > 1 - 0.02425)
            {
                return -NormalQuantile(1 - p);
            }

            var u = p - 0.5;
            var r = u * u;
            var top = ((((((((((a[0] * r) + a[1]) * r) + a[2]) * r) + a[3]) * r) + a[4]) * r) + a[5]) * u;
            var bottom = (((((((((b[0] * r) + b[1]) * r) + b[2]) * r) + b[3]) * r) + b[4]) * r) + 1;
            return top / bottom;
        }

        /// <summary>TPOT quantiles over requests: each of a request's out − 1 steps carries prompt work with probability f, so
        /// its mean step is the decode step plus the prompt work of a binomial share of its steps.</summary>
        private LatencyPercentiles TpotTail(Service s, Seconds tpot)
        {
            var f = s.MixedShare;
            if (f <= 0 || _out <= 1 || tpot <= s.DecodeOnly)
            {
                return LatencyPercentiles.Constant(tpot);
            }

            var perMixedStep = (tpot - s.DecodeOnly) / f;
            var spread = Math.Sqrt(f * (1 - f) / (_out - 1));
            Seconds At(double z) => s.DecodeOnly + (perMixedStep * Math.Clamp(f + (z * spread), 0, 1));
            return new LatencyPercentiles(tpot, At(Z90), At(Z99));
        }

    }

    /// <summary>A wave's prefill: <paramref name="Steps"/> full-budget steps of <paramref name="Step"/> each.</summary>
    private readonly record struct Wave(Seconds Overhead, Seconds Step, double Steps, Seconds Residual)
    {
        public Seconds Mean => Overhead + Residual + (Step * ((Steps + 1) / 2));

        /// <summary>First token of the request at quantile <paramref name="q"/> of the wave.</summary>
        public Seconds At(double q) => Overhead + Residual + (Step * Math.Max(1, Math.Ceiling(q * Steps)));
    }
}
