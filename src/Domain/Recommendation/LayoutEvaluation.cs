using Sizing.Domain.Deployment;
using Sizing.Domain.Disaggregation;
using Sizing.Domain.Memory;
using Sizing.Domain.Performance;
using Sizing.Domain.Speculative;
using Sizing.Domain.Units;

namespace Sizing.Domain.Recommendation;

/// <summary>One layout (GPU × precision × TP × PP × EP) with its step model built once and its estimates kept per concurrency.</summary>
/// <remarks>Replica counts only change the load each replica sees, so every replica count reuses the same estimates.</remarks>
internal sealed class LayoutEvaluation
{
    private readonly StepModel _model;
    private readonly EngineLimits _limits;
    private int[] _keys = new int[2];
    private PerformancePoint[] _values = new PerformancePoint[2];

    public LayoutEvaluation(int hardwareIndex, HardwareOption hardware, bool forced, DeploymentInput input, MemoryEstimate memory, EstimatorAssumptions assumptions,
        SpeculativeConfiguration? speculative = null)
    {
        Speculative = speculative;
        HardwareIndex = hardwareIndex;
        Hardware = hardware;
        Forced = forced;
        Input = input;
        _model = new StepModel(input.Memory, input.Topology, assumptions.Performance, assumptions.Communication, assumptions.Memory, input.MoeExchange);
        _limits = EngineLimits.Of(input, memory, _model.ReservesWholeSequence);
        MaxConcurrency = _limits.MaxRunning;
        _speculative = speculative is null ? null : new SpeculativeModel(input, _model, speculative, assumptions);
    }

    private readonly SpeculativeModel? _speculative;

    /// <summary>Speculative decoding the layout runs (its figures are speculative ones); null = none.</summary>
    public SpeculativeConfiguration? Speculative { get; }

    /// <summary>What speculation does at the running batch of <paramref name="estimate"/>; null without speculation.</summary>
    public SpeculativeOutcome? SpeculationAt(PerformanceEstimate estimate)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        if (_speculative is null)
        {
            return null;
        }

        var batch = Math.Max(1, estimate.Running);
        return new SpeculativeOutcome(Speculative!, (int)Math.Ceiling(batch),
            _speculative.At(batch, Input.InputTokens + (Input.OutputTokens / 2.0)), _speculative.DraftWeightsPerGpu);
    }

    /// <summary>This layout as a prefill-pool instance (computed once, when the disaggregated search asks).</summary>
    public PrefillSide Prefill => _prefill ??= new PrefillSide(Input, _model, _limits, Parallelism);

    private PrefillSide? _prefill;

    /// <summary>This layout as a decode-pool instance, with or without speculation.</summary>
    public DecodeSide Decode(SpeculativeModel? speculative) => new(Input, _model, _limits, speculative);

    /// <summary>The figures at <paramref name="concurrency"/> if they were computed already.</summary>
    public bool TryGet(int concurrency, out PerformancePoint point)
    {
        for (var i = 0; i < Count; i++)
        {
            if (_keys[i] == concurrency)
            {
                point = _values[i];
                return true;
            }
        }

        point = default;
        return false;
    }

    /// <summary>The step model the layout's estimates come from.</summary>
    public StepModel StepModel => _model;

    public int HardwareIndex { get; }

    public HardwareOption Hardware { get; }

    /// <summary>Tensor parallelism spans nodes because no layout inside one node fits.</summary>
    public bool Forced { get; }

    public DeploymentInput Input { get; }

    public Parallelism Parallelism => Input.Memory.Parallelism;

    public Precision Weights => Input.Memory.WeightPrecision;

    public Precision KvCache => Input.Memory.KvPrecision;

    /// <summary>The most requests one replica holds: the KV pool or the engine's sequence limit, whichever is lower.</summary>
    public int MaxConcurrency { get; }

    public int Count { get; private set; }

    /// <summary>Output tokens/s per GPU at the KV-limited concurrency.</summary>
    public double SaturatedPerGpu => At(MaxConcurrency).OutputTokensPerSecond / Parallelism.GpusPerReplica;

    public DeploymentKind Kind => Parallelism.DataParallelAttention ? DeploymentKind.DataParallelAttention : DeploymentKind.TensorParallel;

    /// <summary>The headline figures at <paramref name="concurrency"/> requests in flight, computed once.</summary>
    /// <remarks>Only the figures are kept, not the estimate's object graph: a search evaluates thousands of points.</remarks>
    public PerformancePoint At(int concurrency)
    {
        for (var i = 0; i < Count; i++)
        {
            if (_keys[i] == concurrency)
            {
                return _values[i];
            }
        }

        var estimate = _speculative is null
            ? PerformanceEstimator.Headline(Input, _model, _limits, concurrency)
            : PerformancePoint.Of(Full(concurrency));
        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, Count * 2);
            Array.Resize(ref _values, Count * 2);
        }

        _keys[Count] = concurrency;
        _values[Count] = estimate;
        Count++;
        return estimate;
    }

    /// <summary>The full performance estimate at <paramref name="concurrency"/> (not kept).</summary>
    public PerformanceEstimate Full(int concurrency)
    {
        var plain = PerformanceEstimator.Estimate(Input, _model, _limits, concurrency);
        return SpeculationAt(plain) is { } outcome ? outcome.Apply(plain, Input.OutputTokens) : plain;
    }

    /// <summary>The plain estimate at <paramref name="concurrency"/>, without speculation (not kept).</summary>
    public PerformanceEstimate Plain(int concurrency) => PerformanceEstimator.Estimate(Input, _model, _limits, concurrency);

    public PerformancePoint PointAt(int index) => _values[index];

    public int ConcurrencyAt(int index) => _keys[index];

    /// <summary>The fewest requests in flight that sustain <paramref name="arrivalsPerSecond"/>: the smallest B with λ·E2E(B) ≤ B.</summary>
    /// <remarks>
    /// Little's law with a latency that grows with the batch: B = λ·E2E(B). The root is bracketed between 1 and the KV-limited
    /// maximum, narrowed by the concurrencies already estimated, and found by false position on whole requests, with a
    /// bisection step whenever an interpolation fails to halve the bracket. Null when even the maximum concurrency cannot hold
    /// the load.
    /// </remarks>
    public int? SustainingConcurrency(double arrivalsPerSecond)
    {
        var hi = MaxConcurrency;
        var hHi = Excess(hi, arrivalsPerSecond);
        if (hHi > 0)
        {
            return null;
        }

        var lo = 1;
        var hLo = Excess(lo, arrivalsPerSecond);
        if (hLo <= 0)
        {
            return 1;
        }

        // Points already estimated narrow the bracket first: a search asks again for loads near the last one.
        for (var i = 0; i < Count; i++)
        {
            var known = _keys[i];
            if (known > lo && known < hi)
            {
                var h = Queueing.LittlesLaw(arrivalsPerSecond, _values[i].E2e.Value) - known;
                if (h <= 0)
                {
                    (hi, hHi) = (known, h);
                }
                else
                {
                    (lo, hLo) = (known, h);
                }
            }
        }

        var bisect = false;
        while (hi - lo > 1)
        {
            var width = hi - lo;
            var guess = bisect
                ? lo + (width / 2)
                : Math.Clamp((int)Math.Ceiling(lo + (width * hLo / (hLo - hHi))), lo + 1, hi - 1);
            var h = Excess(guess, arrivalsPerSecond);
            if (h <= 0)
            {
                hi = guess;
                hHi = h;
            }
            else
            {
                lo = guess;
                hLo = h;
            }

            bisect = !bisect && hi - lo > width / 2;
        }

        return hi;
    }

    /// <summary>λ·E2E(B) − B: positive while B requests in flight cannot carry the load.</summary>
    private double Excess(int concurrency, double arrivalsPerSecond) =>
        Queueing.LittlesLaw(arrivalsPerSecond, At(concurrency).E2e.Value) - concurrency;
}
