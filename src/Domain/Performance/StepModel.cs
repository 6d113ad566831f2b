using Sizing.Domain.Architecture;
using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Moe;
using Sizing.Domain.Units;

namespace Sizing.Domain.Performance;

/// <summary>The time of one engine step on one pipeline stage, summed over the GEMMs, attention and small kernels of its layers.</summary>
/// <remarks>
/// <para>Each GEMM costs <c>smoothmax(bytes / bandwidth + latency, FLOPs / throughput)</c> with the smooth maximum
/// (a^q + b^q)^(1/q), q = 4: bandwidth, per-GEMM latency and throughput are the GPU's measured facts
/// (<see cref="GpuAchievable"/>), and this form fits the H200 probe's GEMM time against the rows M within a few per cent
/// (benchmarks/GpuProbe). A decode step's GEMMs therefore cost their weight bytes plus a fixed latency each, which tensor
/// parallelism does not shrink; a prefill step's cost their FLOPs.</para>
/// <para>Per layer: the attention projections (2 GEMMs; MLA 4), the dense MLP or shared experts (2 GEMMs), and in MoE layers
/// a router and two grouped expert GEMMs over the experts the step's tokens touch, each expert filled by the tokens it
/// receives (at least one tensor-core tile of math). Attention reads each decoding sequence's KV at the GPU's bandwidth
/// and does the prompt's FLOPs at a share of its GEMM throughput (Kaplan et al. 2020; docs/formulas.md §1.4). Each layer also
/// pays the engine's small-kernel floor; the last stage computes the logits.</para>
/// <para>Tensor parallelism adds two all-reduces per layer of M·h activations (Megatron; docs/formulas.md §1.7); expert
/// parallelism replaces the MoE all-reduce by a dispatch and a combine all-to-all of M·top-k·h (docs/formulas.md §1.9).</para>
/// </remarks>
internal sealed class StepModel
{
    private readonly ModelArchitecture _model;
    private readonly Parallelism _parallelism;
    private readonly Topology _topology;
    private readonly Engine _engine;
    private readonly EngineProfile _profile;
    private readonly PerformanceAssumptions _assumptions;
    private readonly CommunicationAssumptions _communication;
    private readonly MoeAssumptions _moeAssumptions = MoeAssumptions.Default;
    private readonly Precision _kvPrecision;
    private readonly int _blockSize;
    private readonly BytesPerSecond _bandwidth;
    private readonly Seconds _gemmLatency;
    private readonly FlopsPerSecond _gemmThroughput;
    private readonly FlopsPerSecond _headThroughput;
    private readonly FlopsPerSecond _attentionThroughput;
    private readonly GemmGroup _attention;
    private readonly GemmGroup _mlp;
    private readonly GemmGroup _head;
    private readonly int _moeLayers;
    private readonly int _expertsPerGroup;
    private readonly Bytes _expertBytes;
    private readonly double _expertFlopsPerRow;
    private readonly double _attentionWidth;
    private readonly double _localLayerShare;
    private readonly double _sequenceStepUs;
    private readonly MoeExchange? _moeExchange;
    private readonly bool _loadBalancer;
    private readonly ExpertLoad.Spread _spread;

    /// <param name="moeExchange">The MoE exchange the engine is configured for (SGLang --moe-a2a-backend, vLLM --all2all-backend);
    /// null = the engine's default for the layout.</param>
    public StepModel(MemoryInput memory, Topology topology, PerformanceAssumptions assumptions, CommunicationAssumptions communication, MemoryAssumptions memoryAssumptions, MoeExchange? moeExchange = null)
    {
        _moeExchange = moeExchange;
        // Redundant expert slots exist for EPLB, which places the hottest experts in them by measured load.
        _loadBalancer = memory.Parallelism.RedundantExperts > 0;
        _model = memory.Model;
        _parallelism = memory.Parallelism;
        _topology = topology;
        _engine = memory.Engine;
        _profile = assumptions.For(memory.Engine);
        _assumptions = assumptions;
        _communication = communication;
        _kvPrecision = memory.KvPrecision;
        _blockSize = memory.BlockSize;
        StageLayers = WeightCalculator.LayersOnLargestStage(_model.Layers, _parallelism.Pipeline);
        _sequenceStepUs = memory.Engine == Engine.Vllm && memory.EngineVersion is { } v0 && !v0.IsAtLeast(0, 8)
            ? assumptions.VllmV0SequenceStepUs
            : _profile.SequenceStepUs;
        OverlapsHostWork = memory.Engine switch
        {
            Engine.Vllm => memory.EngineVersion is not { } version || version.IsAtLeast(0, 12),
            Engine.Sglang or Engine.Trtllm => true,
            _ => false,
        };

        var sustained = memory.Gpu.Sustained;
        _bandwidth = sustained.MemoryBandwidth;
        _gemmLatency = sustained.GemmLatency;
        ComputePrecision = ComputeFormat(memory.Gpu, memory.WeightPrecision);
        _gemmThroughput = new FlopsPerSecond(sustained.Gemm(ComputePrecision).Value * assumptions.SustainedComputeShare);
        _headThroughput = new FlopsPerSecond(sustained.Gemm(Precision.Bf16).Value * assumptions.SustainedComputeShare);
        _attentionThroughput = new FlopsPerSecond(sustained.Gemm(Precision.Bf16).Value * assumptions.AttentionShare * assumptions.SustainedComputeShare);

        var model = _model;
        var p = model.Parameters;
        int tp = _parallelism.Tensor, layers = model.Layers;
        var linear = WeightCalculator.LinearBytesPerParameter(model, memory.WeightPrecision);
        var wide = WeightCalculator.WideBytesPerParameter(memory.WeightPrecision);
        var stageShare = (double)StageLayers / layers;

        // Attention projections, plus the small replicated matrices (norms, routers, MLA down-projections) streamed with them.
        var attentionParameters = ((p.AttentionSharded / (double)tp) + (p.AttentionKv * (double)model.KvHeadsPerRank(tp) / model.KvHeads)) / layers;
        var replicated = (double)p.Replicated / layers;
        // MLA: fused q_a/kv_a down-projection, q_b, the absorbed k and v up-projections (two batched GEMMs) and o.
        _attention = new GemmGroup(StageLayers, model.Mla is null ? 2 : 5,
            Bytes.Rounded((attentionParameters * linear) + (replicated * wide)), 2 * (attentionParameters + replicated));

        var moe = model.Moe;
        _moeLayers = moe is null ? 0 : (int)Math.Round(moe.MoeLayers * stageShare);
        var mlpLayersInModel = layers - (moe?.MoeLayers ?? 0) + (moe is { SharedExperts: > 0 } ? moe.MoeLayers : 0);
        var mlpLayers = (int)Math.Round(mlpLayersInModel * stageShare);
        var mlpParameters = mlpLayersInModel > 0 ? p.DenseMlp / (double)mlpLayersInModel / tp : 0;
        _mlp = new GemmGroup(mlpLayers, 2, Bytes.Rounded(mlpParameters * linear), 2 * mlpParameters);

        if (moe is not null && _moeLayers > 0)
        {
            // Expert slots per EP group, redundant (EPLB) copies included: WeightCalculator holds their bytes too.
            _expertsPerGroup = (moe.Experts + _parallelism.RedundantExperts + _parallelism.Expert - 1) / _parallelism.Expert;
            var routed = WeightCalculator.RoutedExpertBytes(model, _parallelism, memory.WeightPrecision, memory.Engine, memoryAssumptions);
            _expertBytes = Bytes.Rounded(routed / _moeLayers / _expertsPerGroup);
            _expertFlopsPerRow = 2.0 * moe.ParametersPerExpert / _parallelism.ExpertTensor;
        }

        _spread = new ExpertLoad.Spread(_parallelism.Expert, _expertsPerGroup, _loadBalancer, _moeAssumptions.ExpertPopularityCv);

        var headParameters = (double)model.VocabSize * model.HiddenSize / tp;
        _head = new GemmGroup(1, 1, Bytes.Rounded(headParameters * wide), 2 * headParameters);

        _attentionWidth = model.Mla is { } mla
            ? (double)model.AttentionHeads * (mla.QkNopeHeadDim + mla.QkRopeHeadDim)
            : (double)model.AttentionHeads * model.HeadDim;
        _localLayerShare = model.LocalAttention is { } local ? (double)local.Layers / layers : 0;
    }

    public int StageLayers { get; }

    /// <summary>Cycle-time factor for <paramref name="microBatches"/> in flight: the stages wait for the slowest micro-batch.</summary>
    public double PipelineSkew(int microBatches) => 1 + (_assumptions.PipelineSkew * (microBatches - 1));

    /// <summary>The format GEMMs run in: the weight format where the GPU has tensor cores for it, else 16-bit (weight-only quantization).</summary>
    public Precision ComputePrecision { get; }

    /// <summary>One step on one stage.</summary>
    /// <param name="decodes">Sequences generating a token this step.</param>
    /// <param name="context">Average context length of those sequences.</param>
    /// <param name="promptTokens">Prompt tokens processed in this step.</param>
    /// <param name="promptLength">Length of the prompts those tokens belong to (for attention FLOPs).</param>
    /// <param name="logits">Sequences whose logits this step computes (decodes plus prompts that finish).</param>
    /// <remarks>Under DP attention the engine's sequences spread over its attention ranks: each GPU runs attention, dense
    /// layers and the LM head on its rank's share, and the MoE layers on every rank's tokens routed to its experts.</remarks>
    public StepCost Cost(double decodes, double context, double promptTokens, double promptLength, double logits)
    {
        var rows = decodes + promptTokens;
        var ranks = _parallelism.AttentionData;
        double rankDecodes = decodes / ranks, rankPrompt = promptTokens / ranks, rankRows = rows / ranks;
        var memory = Seconds.Zero;
        var compute = Seconds.Zero;
        var kernels = Gemms(_attention, rankRows, ref memory, ref compute) + Gemms(_mlp, rankRows, ref memory, ref compute)
            + Experts(rows, ref memory, ref compute) + Attention(rankDecodes, context, rankPrompt, promptLength, ref memory, ref compute)
            + Head(logits / ranks, ref memory, ref compute);

        var communication = Communication(rankRows, promptTokens > decodes ? MoePhase.Prefill : MoePhase.Decode);
        var floor = Seconds.FromMicroseconds((_profile.LayerFloorUs * StageLayers) + (rows > 0 ? _assumptions.MoeLayerFloorUs * _moeLayers : 0));
        return new StepCost(kernels, memory, compute, communication.Exposed, floor, communication, logits);
    }

    /// <summary>A speculative verification step: <paramref name="decodes"/> sequences each score k + 1 tokens (the last accepted
    /// one and k drafts) against their whole context; each reads its KV once, and every token attends to the full context.</summary>
    public StepCost VerifyCost(double decodes, double context, int draftTokens) =>
        Cost(decodes, context, decodes * draftTokens, 2 * context, decodes * (draftTokens + 1));

    /// <summary>Fixed cost a request pays once before its first token, beyond its prefill.</summary>
    public Seconds RequestOverhead => Seconds.FromMicroseconds(_profile.RequestOverheadUs);

    /// <summary>What the engine spends on one step outside the GPU: a fixed part and a part per sequence sampled (paid once per
    /// step, not per stage). Under DP attention every rank schedules and samples its own sequences in its own process (SGLang's
    /// per-rank schedulers behind the DP controller, vLLM's engine core per DP rank), so the ranks pay theirs side by side.</summary>
    public Seconds StepOverhead(StepCost step) =>
        Seconds.FromMicroseconds(_profile.StepOverheadUs + (_sequenceStepUs * step.Sequences / _parallelism.AttentionData));

    /// <summary>Whether the engine schedules step N + 1 while step N runs on the GPU, so a step takes the longer of its GPU and CPU
    /// work instead of their sum.</summary>
    /// <remarks>vLLM turned async scheduling on by default in 0.12 (vllm#27614; earlier it needed --async-scheduling); SGLang's
    /// overlap scheduler is on by default since 0.4; TensorRT-LLM's C++ executor overlaps its host work.</remarks>
    public bool OverlapsHostWork { get; }

    /// <summary>Whether admission reserves KV for the whole sequence (else blocks grow with the tokens).</summary>
    public bool ReservesWholeSequence => _profile.ReservesWholeSequence;

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

    /// <summary>The collectives of a step whose attention ranks each hold <paramref name="tokens"/> tokens; the last answer is
    /// kept, since the steady state asks for the same step sizes again and again.</summary>
    public StepCommunication Communication(double tokens, MoePhase phase = MoePhase.Decode)
    {
        if (_lastCommunication is { } last && _lastCommunicationTokens == tokens && _lastPhase == phase)
        {
            return last;
        }

        var communication = ComputeCommunication(tokens, phase);
        (_lastCommunicationTokens, _lastPhase, _lastCommunication) = (tokens, phase, communication);
        return communication;
    }

    private double _lastCommunicationTokens;
    private MoePhase _lastPhase;
    private StepCommunication? _lastCommunication;

    /// <summary>Each layer's attention output and each dense MLP end in a tensor-parallel all-reduce, at the in-engine cost per
    /// call (fixed costs included). MoE layers end in that all-reduce too unless attention runs data-parallel; then their tokens
    /// cross the MoE group by the engine's exchange (all-gather/reduce-scatter, all-to-all or DeepEP; <see cref="MoeCommunication"/>).</summary>
    private StepCommunication ComputeCommunication(double tokens, MoePhase phase)
    {
        var tp = _parallelism.Tensor;
        var message = Bytes.Rounded(Math.Ceiling(tokens * _model.HiddenSize * _assumptions.ActivationBytes));
        var allReduce = tp > 1 ? Collectives.InEngineAllReduce(_topology, tp, message, _engine, _communication).Time : Seconds.Zero;
        var exchanged = _parallelism.DataParallelAttention && _moeLayers > 0;
        var allReduces = tp > 1 ? (2 * StageLayers) - (exchanged ? _moeLayers : 0) : 0;

        var dispatchBytes = Bytes.Zero;
        var exchange = Seconds.Zero;
        if (exchanged && tokens > 0)
        {
            var moe = Exchange(phase).At(tokens);
            dispatchBytes = moe.DispatchBytes;
            exchange = moe.Dispatch + moe.Combine;
        }

        var total = (allReduce * allReduces) + (exchange * (exchanged ? _moeLayers : 0));
        return new StepCommunication(allReduces, message, allReduce, exchanged ? _moeLayers : 0, dispatchBytes, exchange, total,
            total * (1 - _assumptions.CommunicationOverlap), ExpertImbalance(tokens * _parallelism.AttentionData));
    }

    /// <summary>The layout's MoE exchange in <paramref name="phase"/>, resolved on first use.</summary>
    private MoeCommunication.Model Exchange(MoePhase phase) => phase == MoePhase.Prefill
        ? _prefillExchange ??= NewExchange(phase)
        : _decodeExchange ??= NewExchange(phase);

    private MoeCommunication.Model NewExchange(MoePhase phase) =>
        new(new MoeCommunicationInput(_model, _parallelism, _topology, _engine, 0, phase, _moeExchange, LoadBalancer: _loadBalancer), _moeAssumptions, _communication);

    private MoeCommunication.Model? _decodeExchange;
    private MoeCommunication.Model? _prefillExchange;

    /// <summary>A group of equal GEMMs: each streams its share of the bytes plus the per-GEMM latency, or does its FLOPs.</summary>
    private Seconds Gemms(GemmGroup group, double rows, ref Seconds memory, ref Seconds compute)
    {
        if (group.Instances == 0 || group.Gemms == 0)
        {
            return Seconds.Zero;
        }

        var count = group.Instances * group.Gemms;
        var stream = (group.BytesPerInstance / _bandwidth / group.Gemms) + _gemmLatency;
        var math = Seconds.From(rows * group.FlopsPerRow / group.Gemms / _gemmThroughput.Value);
        memory += stream * count;
        compute += math * count;
        return SmoothMax(stream, math) * count;
    }

    /// <summary>The router and the two grouped expert GEMMs of every MoE layer on this stage.</summary>
    /// <remarks>
    /// With uniform routing an expert of a group of E_g is untouched by T tokens with probability (1 − k/E)^T; each touched one
    /// streams its weights once and receives its share of the T·k/ep routed rows (the busiest EP group a little more), padded
    /// to one tensor-core tile: batch-1 decode stays memory-bound, a long prompt fills every expert.
    /// </remarks>
    private Seconds Experts(double rows, ref Seconds memory, ref Seconds compute)
    {
        if (_moeLayers == 0 || rows <= 0)
        {
            return Seconds.Zero;
        }

        var moe = _model.Moe!;
        var touched = _expertsPerGroup * (1 - Math.Pow(1 - ((double)moe.ExpertsPerToken / moe.Experts), rows));
        var routedRows = rows * moe.ExpertsPerToken / _parallelism.Expert * ExpertImbalance(rows);
        var filledRows = touched * Math.Max(routedRows / touched, _assumptions.TileRows);
        var stream = (_expertBytes * touched / (_bandwidth * _assumptions.ExpertBandwidthShare)) + (_gemmLatency * 3);
        var math = Seconds.From(filledRows * _expertFlopsPerRow / _gemmThroughput.Value);
        memory += stream * _moeLayers;
        compute += math * _moeLayers;
        return SmoothMax(stream, math) * _moeLayers;
    }

    /// <summary>The busiest EP group's routed tokens over the mean when the engine's step carries <paramref name="rows"/> tokens.</summary>
    private double ExpertImbalance(double rows) => _model.Moe is { } moe
        ? _spread.Imbalance(rows * moe.ExpertsPerToken / _parallelism.Expert)
        : 1;

    /// <summary>One attention kernel per layer: the decoding sequences' KV read, and the prompt tokens' FLOPs.</summary>
    private Seconds Attention(double decodes, double context, double promptTokens, double promptLength, ref Seconds memory, ref Seconds compute)
    {
        if (decodes <= 0 && promptTokens <= 0)
        {
            return Seconds.Zero;
        }

        var kv = decodes > 0
            ? KvPerSequence((int)Math.Ceiling(context)) * decodes
            : Bytes.Zero;
        var read = (kv / _bandwidth / StageLayers) + _gemmLatency;
        var flops = ((decodes * 4.0 * Visible(context)) + (promptTokens * 2.0 * Visible(promptLength))) * _attentionWidth / _parallelism.Tensor;
        var math = Seconds.From(flops / _attentionThroughput.Value);
        memory += read * StageLayers;
        compute += math * StageLayers;
        return SmoothMax(read, math) * StageLayers;
    }

    /// <summary>One sequence's KV on one GPU at <paramref name="tokens"/> of context; the last answer is kept, since a layout's
    /// steady state asks for the same context again and again.</summary>
    private Bytes KvPerSequence(int tokens)
    {
        if (tokens != _kvTokens)
        {
            (_kvTokens, _kvBytes) = (tokens, KvCacheCalculator.PerSequencePerGpu(_model, _parallelism, _kvPrecision, tokens, _blockSize));
        }

        return _kvBytes;
    }

    private int _kvTokens = -1;
    private Bytes _kvBytes;

    /// <summary>The LM head on the last stage: the vocabulary projection of every sequence whose next token is sampled.</summary>
    private Seconds Head(double logits, ref Seconds memory, ref Seconds compute)
    {
        if (logits <= 0)
        {
            return Seconds.Zero;
        }

        var stream = (_head.BytesPerInstance / _bandwidth) + _gemmLatency;
        var math = Seconds.From(logits * _head.FlopsPerRow / _headThroughput.Value);
        memory += stream;
        compute += math;
        return SmoothMax(stream, math);
    }

    /// <summary>Tokens one query attends to on average over the layers: sliding-window layers see at most their window.</summary>
    private double Visible(double context) => _model.LocalAttention is { } local
        ? ((1 - _localLayerShare) * context) + (_localLayerShare * Math.Min(context, local.Tokens))
        : context;

    private Seconds SmoothMax(Seconds a, Seconds b)
    {
        var q = _assumptions.RooflineSharpness;
        if (q == 4)
        {
            // The measured exponent, without Math.Pow: the search evaluates this millions of times.
            double a2 = a.Value * a.Value, b2 = b.Value * b.Value;
            return Seconds.From(Math.Sqrt(Math.Sqrt((a2 * a2) + (b2 * b2))));
        }

        return Seconds.From(Math.Pow(Math.Pow(a.Value, q) + Math.Pow(b.Value, q), 1 / q));
    }

    private static Precision ComputeFormat(GpuSpec gpu, Precision weights) => weights switch
    {
        Precision.Fp8 when gpu.TensorThroughput(Precision.Fp8) is not null => Precision.Fp8,
        Precision.Fp4 when gpu.TensorThroughput(Precision.Fp4) is not null => Precision.Fp4,
        Precision.Fp32 => Precision.Fp32,
        _ => Precision.Bf16,
    };

    /// <summary>Equal GEMMs repeated on every layer of the stage that has them.</summary>
    /// <param name="Instances">Layers of this stage with the group.</param>
    /// <param name="Gemms">GEMM launches per layer.</param>
    /// <param name="BytesPerInstance">Weight bytes of one layer's group on one GPU.</param>
    /// <param name="FlopsPerRow">FLOPs one token does in one layer's group on one GPU.</param>
    private readonly record struct GemmGroup(int Instances, int Gemms, Bytes BytesPerInstance, double FlopsPerRow);
}

/// <summary>What one step on one stage costs.</summary>
/// <param name="Kernels">GEMMs and attention, each the smooth maximum of its memory and compute time.</param>
/// <param name="Memory">Time to stream weights and KV at the sustained bandwidth, per-GEMM latencies included.</param>
/// <param name="Compute">Time for the step's FLOPs at the sustained throughput.</param>
/// <param name="Communication">Exposed collective time.</param>
/// <param name="LayerOverhead">The engine's small-kernel floor over the stage's layers.</param>
/// <param name="Sequences">Sequences whose next token the step samples.</param>
public readonly record struct StepCost(Seconds Kernels, Seconds Memory, Seconds Compute, Seconds Communication, Seconds LayerOverhead, StepCommunication Collectives, double Sequences)
{
    public Seconds Total => Kernels + Communication + LayerOverhead;

    public bool ComputeBound => Compute > Memory;
}

/// <summary>The collectives of one step on one stage.</summary>
/// <param name="AllToAllLayers">MoE layers whose tokens cross the MoE group by an exchange (DP attention); 0 when an all-reduce serves them.</param>
/// <param name="ExpertImbalance">Busiest EP group's routed tokens over the mean in this step (<see cref="ExpertLoad.Imbalance"/>).</param>
public readonly record struct StepCommunication(
    int AllReduces,
    Bytes AllReduceMessage,
    Seconds AllReduceTime,
    int AllToAllLayers,
    Bytes DispatchBytes,
    Seconds AllToAllTime,
    Seconds Total,
    Seconds Exposed,
    double ExpertImbalance);
