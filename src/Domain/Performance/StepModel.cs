using Sizing.Domain.Architecture;
using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Units;

namespace Sizing.Domain.Performance;

/// <summary>The time of one engine step on one pipeline stage: a roofline of bytes and FLOPs plus exposed communication.</summary>
/// <remarks>
/// <para>Per GPU, a step that carries <c>B</c> decoding sequences at context <c>c</c> and <c>P</c> prompt tokens costs
/// <c>smoothmax(bytes / (HBM·η_mem), FLOPs / (peak·η_c))</c> + exposed collectives + overheads (docs/formulas.md §1.5), where
/// bytes = weights (MoE: only the experts the step's tokens touch) + the KV the decoding sequences read, FLOPs =
/// 2·N_active/tp per token + 4·L·c·nq·d/tp of attention per decoding token + 2·L·S·P·nq·d/tp for the prompt chunk
/// (Kaplan et al. 2020; docs/formulas.md §1.4), η_c = η_max·M/(M + M½) for M tokens in the step. The smooth maximum (t_mem^q + t_c^q)^(1/q) stands for the imperfect overlap of
/// memory traffic and math near the ridge point; KV reads get their own (lower) efficiency.</para>
/// <para>Tensor parallelism adds two all-reduces per layer of M·h activations (Megatron; docs/formulas.md §1.7); expert
/// parallelism replaces the MoE all-reduce by a dispatch and a combine all-to-all of M·top-k·h (docs/formulas.md §1.9).</para>
/// </remarks>
internal sealed class StepModel
{
    private readonly ModelArchitecture _model;
    private readonly GpuSpec _gpu;
    private readonly Parallelism _parallelism;
    private readonly Topology _topology;
    private readonly Engine _engine;
    private readonly EngineProfile _profile;
    private readonly PerformanceAssumptions _assumptions;
    private readonly CommunicationAssumptions _communication;
    private readonly Precision _kvPrecision;
    private readonly int _blockSize;
    private readonly double _denseBytes;
    private readonly double _expertBytesPerLayerExpert;
    private readonly double _blockFlopsPerToken;
    private readonly double _expertFlopsPerToken;
    private readonly double _headFlopsPerSequence;
    private readonly FlopsPerSecond _peak;
    private readonly FlopsPerSecond _peak16;

    public StepModel(MemoryInput memory, Topology topology, PerformanceAssumptions assumptions, CommunicationAssumptions communication, MemoryAssumptions memoryAssumptions)
    {
        _model = memory.Model;
        _gpu = memory.Gpu;
        _parallelism = memory.Parallelism;
        _topology = topology;
        _engine = memory.Engine;
        _profile = assumptions.For(memory.Engine);
        _assumptions = assumptions;
        _communication = communication;
        _kvPrecision = memory.KvPrecision;
        _blockSize = memory.BlockSize;
        StageLayers = WeightCalculator.LayersOnLargestStage(_model.Layers, _parallelism.Pipeline);

        var weights = WeightCalculator.PerGpu(_model, _parallelism, memory.WeightPrecision, memory.Engine, memoryAssumptions);
        var routed = WeightCalculator.RoutedExpertBytes(_model, _parallelism, memory.WeightPrecision, memory.Engine, memoryAssumptions);
        _denseBytes = weights.Value - routed;
        var moe = _model.Moe;
        _expertBytesPerLayerExpert = moe is null ? 0 : routed / (moe.MoeLayers * (double)StageLayers / _model.Layers) / ExpertsPerGroup;

        var p = _model.Parameters;
        var activeExperts = moe is null ? 0 : (double)moe.MoeLayers * moe.ExpertsPerToken * moe.ParametersPerExpert;
        _blockFlopsPerToken = 2.0 * (p.Blocks - p.RoutedExperts) * StageLayers / _model.Layers / _parallelism.Tensor;
        _expertFlopsPerToken = 2.0 * activeExperts * StageLayers / _model.Layers / _parallelism.Tensor;
        _headFlopsPerSequence = 2.0 * _model.VocabSize * _model.HiddenSize / _parallelism.Tensor;
        (_peak, ComputePrecision) = GemmThroughput(_gpu, memory.WeightPrecision);
        _peak16 = FlopsPerSecond.FromTflops(_gpu.DenseTflops.Bf16);
    }

    public int StageLayers { get; }

    /// <summary>Cycle-time factor for <paramref name="microBatches"/> in flight: the stages wait for the slowest micro-batch.</summary>
    public double PipelineSkew(int microBatches) => 1 + (_assumptions.PipelineSkew * (microBatches - 1));

    /// <summary>The format GEMMs run in: the weight format where the GPU has tensor cores for it, else 16-bit (weight-only quantization).</summary>
    public Precision ComputePrecision { get; }

    private int ExpertsPerGroup => _model.Moe is { } moe ? (moe.Experts + _parallelism.Expert - 1) / _parallelism.Expert : 0;

    /// <summary>One step on one stage.</summary>
    /// <param name="decodes">Sequences generating a token this step.</param>
    /// <param name="context">Average context length of those sequences.</param>
    /// <param name="promptTokens">Prompt tokens processed in this step.</param>
    /// <param name="promptLength">Length of the prompts those tokens belong to (for attention FLOPs).</param>
    /// <param name="logits">Sequences whose logits this step computes (decodes plus prompts that finish).</param>
    public StepCost Cost(double decodes, double context, double promptTokens, double promptLength, double logits)
    {
        var tokens = decodes + promptTokens;
        var layerFraction = (double)StageLayers / _model.Layers;
        var expertBytes = _model.Moe is { } moe
            ? moe.MoeLayers * layerFraction * TouchedExpertsPerGroup(tokens) * _expertBytesPerLayerExpert
            : 0;
        var kvBytes = decodes * KvCacheCalculator.PerSequencePerGpu(_model, _parallelism, _kvPrecision, (int)Math.Ceiling(context), _blockSize).Value;
        var bandwidth = _gpu.MemoryBandwidth.Value;
        var memory = Seconds.From((_denseBytes / (bandwidth * _profile.HbmEfficiency))
            + (expertBytes / (bandwidth * _profile.HbmEfficiency * _assumptions.ExpertBandwidthShare))
            + (kvBytes / (bandwidth * _profile.KvReadEfficiency)));

        // Each routed expert's grouped GEMM only sees the tokens routed to it, so it fills the GPU far less than the dense layers.
        var peakEfficiency = ComputePrecision.IsSixteenBitOrWider() ? _profile.ComputeEfficiency : _profile.LowPrecisionComputeEfficiency;
        var tokensPerExpert = _model.Moe is { } routing ? tokens * routing.ExpertsPerToken / routing.Experts : 0;
        var denseFlops = (tokens * _blockFlopsPerToken) + (logits * _headFlopsPerSequence);
        var expertFlops = tokens * _expertFlopsPerToken * MoeImbalance(tokens);
        var attentionFlops = ((decodes * 4.0 * context) + (promptTokens * 2.0 * promptLength)) * StageLayers * AttentionWidth / _parallelism.Tensor;
        var compute = Seconds.From((denseFlops / (_peak.Value * peakEfficiency * Saturation(tokens)))
            + (expertFlops > 0 ? expertFlops / (_peak.Value * peakEfficiency * Saturation(tokensPerExpert)) : 0)
            + (attentionFlops / (_peak16.Value * _profile.AttentionEfficiency)));
        var q = _profile.RooflineSharpness;
        var kernels = Seconds.From(Math.Pow(Math.Pow(memory.Value, q) + Math.Pow(compute.Value, q), 1 / q));

        var communication = Communication(tokens);
        var overhead = Seconds.FromMicroseconds(_profile.LayerOverheadUs * StageLayers);
        return new StepCost(kernels, memory, compute, communication.Exposed, overhead, communication);
    }

    /// <summary>Fixed cost a request pays once before its first token, beyond its prefill.</summary>
    public Seconds RequestOverhead => Seconds.FromMicroseconds(_profile.RequestOverheadUs);

    /// <summary>Fixed cost of one step of the whole engine (paid once per step, not per stage).</summary>
    public Seconds StepOverhead => Seconds.FromMicroseconds(_profile.StepOverheadUs);

    /// <summary>Moving one micro-batch's activations (hidden state and residual) to the next stage.</summary>
    public Seconds PipelineHop(double tokens)
    {
        if (_parallelism.Pipeline == 1)
        {
            return Seconds.Zero;
        }

        var crossesNodes = _parallelism.GpusPerReplica > _topology.GpusPerNode;
        return Collectives.PipelineHop(_topology, HopBytes(tokens), crossesNodes, _communication).Time;
    }

    /// <summary>vLLM sends both hidden_states and residual between stages (IntermediateTensors; docs/formulas.md §1.8).</summary>
    public Bytes HopBytes(double tokens) =>
        new(checked((long)Math.Ceiling(tokens * _model.HiddenSize * _assumptions.ActivationBytes * 2)));

    public StepCommunication Communication(double tokens)
    {
        var tp = _parallelism.Tensor;
        var message = new Bytes(checked((long)Math.Ceiling(tokens * _model.HiddenSize * _assumptions.ActivationBytes)));
        var allReduce = tp > 1 ? Collectives.TensorParallelAllReduce(_topology, tp, message, _engine, _communication).Time : Seconds.Zero;
        var moeLayers = _model.Moe is { } moe ? (int)Math.Round(moe.MoeLayers * (double)StageLayers / _model.Layers) : 0;
        var expertParallel = _parallelism.Expert > 1 && moeLayers > 0;
        var allReduces = tp > 1 ? (2 * StageLayers) - (expertParallel ? moeLayers : 0) : 0;

        var dispatchBytes = Bytes.Zero;
        var allToAll = Seconds.Zero;
        if (expertParallel)
        {
            var k = _model.Moe!.ExpertsPerToken;
            dispatchBytes = new Bytes(checked((long)Math.Ceiling(tokens * k * _model.HiddenSize * _assumptions.ActivationBytes)));
            allToAll = Collectives.Estimate(CollectiveOperation.AllToAll, _topology, _parallelism.Expert, dispatchBytes, CollectiveImplementation.Nccl, _communication).Time * 2;
        }

        var total = (allReduce * allReduces) + (allToAll * (expertParallel ? moeLayers : 0));
        return new StepCommunication(allReduces, message, allReduce, expertParallel ? moeLayers : 0, dispatchBytes, allToAll, total,
            total * (1 - _assumptions.CommunicationOverlap));
    }

    /// <summary>GEMM efficiency relative to its peak for M rows: M/(M + M½).</summary>
    private double Saturation(double rows) => rows / (rows + _profile.HalfSaturationTokens);

    /// <summary>Experts of one EP group that at least one of the step's tokens is routed to.</summary>
    /// <remarks>Uniform routing: each token picks k of E experts, so an expert is untouched with probability (1 − k/E)^T.</remarks>
    private double TouchedExpertsPerGroup(double tokens)
    {
        var moe = _model.Moe!;
        var untouched = Math.Pow(1 - ((double)moe.ExpertsPerToken / moe.Experts), tokens);
        return ExpertsPerGroup * (1 - untouched);
    }

    /// <summary>With EP the busiest group sets the pace; without it every rank holds a slice of every expert.</summary>
    private double MoeImbalance(double tokens) =>
        _model.Moe is not null && _parallelism.Expert > 1 && tokens > 1 ? _assumptions.ExpertImbalance : 1;

    /// <summary>Query-head width that attention FLOPs scale with (nq·d; MLA: nq·(qk_nope + qk_rope)).</summary>
    private double AttentionWidth => _model.Mla is { } mla
        ? (double)_model.AttentionHeads * (mla.QkNopeHeadDim + mla.QkRopeHeadDim)
        : (double)_model.AttentionHeads * _model.HeadDim;

    private static (FlopsPerSecond Peak, Precision Precision) GemmThroughput(GpuSpec gpu, Precision weights)
    {
        var sixteen = FlopsPerSecond.FromTflops(gpu.DenseTflops.Bf16);
        return weights switch
        {
            Precision.Fp8 when gpu.TensorThroughput(Precision.Fp8) is { } fp8 => (fp8, Precision.Fp8),
            Precision.Fp4 when gpu.TensorThroughput(Precision.Fp4) is { } fp4 => (fp4, Precision.Fp4),
            Precision.Fp4 when gpu.TensorThroughput(Precision.Fp8) is { } fp8 => (fp8, Precision.Fp8),
            Precision.Fp32 => (FlopsPerSecond.FromTflops(gpu.DenseTflops.Fp32), Precision.Fp32),
            _ => (sixteen, Precision.Bf16),
        };
    }
}

/// <summary>What one step on one stage costs.</summary>
/// <param name="Kernels">The roofline of memory traffic and compute.</param>
/// <param name="Memory">Time to stream weights and KV at the sustained bandwidth.</param>
/// <param name="Compute">Time for the step's FLOPs at the sustained throughput.</param>
/// <param name="Communication">Exposed collective time.</param>
/// <param name="LayerOverhead">Per-layer small-kernel cost.</param>
public sealed record StepCost(Seconds Kernels, Seconds Memory, Seconds Compute, Seconds Communication, Seconds LayerOverhead, StepCommunication Collectives)
{
    public Seconds Total => Kernels + Communication + LayerOverhead;

    public bool ComputeBound => Compute > Memory;
}

/// <summary>The collectives of one step on one stage.</summary>
public sealed record StepCommunication(
    int AllReduces,
    Bytes AllReduceMessage,
    Seconds AllReduceTime,
    int AllToAllLayers,
    Bytes DispatchBytes,
    Seconds AllToAllTime,
    Seconds Total,
    Seconds Exposed);
