using Sizing.Domain.Architecture;
using Sizing.Domain.Deployment;
using Sizing.Domain.Units;

namespace Sizing.Domain.Memory;

/// <summary>Weight bytes on the most loaded GPU of a replica.</summary>
/// <remarks>
/// Under TP every large matmul is split (docs/formulas.md §1.7: nothing holds a full copy); K/V projections replicate once TP
/// exceeds the KV heads; norms, routers and MLA down-projections are replicated; embedding and LM head are vocab-parallel.
/// PP gives each stage ceil(L/pp) layers, the embedding to the first stage and the LM head to the last. Expert parallelism
/// hands each of <c>Expert</c> groups ceil((E + redundant)/ep) expert slots, each split across the group's
/// <see cref="Parallelism.ExpertTensor"/> ranks; under DP attention the attention and dense weights are replicated on every
/// DP-attention rank and split only by its Tensor GPUs (SGLang --moe-dense-tp-size 1, vLLM and TensorRT-LLM attention DP). Quantized formats
/// apply to the transformer-block linears; embeddings, LM head, norms and routers stay 16-bit, as vLLM and TensorRT-LLM
/// (ModelOpt) checkpoints keep them.
/// </remarks>
public static class WeightCalculator
{
    public static Bytes PerGpu(ModelArchitecture model, Parallelism parallelism, Precision weights, Engine engine, MemoryAssumptions assumptions)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parallelism);
        ArgumentNullException.ThrowIfNull(assumptions);
        var p = model.Parameters;
        int tp = parallelism.Tensor, pp = parallelism.Pipeline;
        var stageFraction = (double)LayersOnLargestStage(model.Layers, pp) / model.Layers;
        var wide = WideBytesPerParameter(weights);
        var linear = LinearBytesPerParameter(model, weights);

        var kvReplication = (double)model.KvHeadsPerRank(tp) / model.KvHeads;
        var blocks = (p.AttentionSharded * stageFraction / tp * linear)
            + (p.AttentionKv * stageFraction * kvReplication * linear)
            + (p.DenseMlp * stageFraction / tp * linear)
            + (p.Replicated * stageFraction * wide)
            + RoutedExpertBytes(model, parallelism, weights, engine, assumptions);

        // Single stage: embedding and head together; otherwise the heavier of the first and last stage ends.
        var head = model.TieWordEmbeddings ? p.Embedding : p.LmHead;
        var ends = pp == 1 ? p.Embedding + p.LmHead : Math.Max(p.Embedding, head);
        var vocab = ends * wide / tp;
        var vision = p.Vision * wide / tp;
        var ropeCache = (double)model.MaxPositionEmbeddings * model.RotaryDim * wide;
        return new Bytes(checked((long)Math.Round(blocks + vocab + vision + ropeCache)));
    }

    /// <summary>Bytes per parameter of what stays unquantized (embeddings, LM head, norms, routers): 16-bit, or fp32 for fp32 weights.</summary>
    public static double WideBytesPerParameter(Precision weights) => weights == Precision.Fp32 ? 4.0 : 2.0;

    /// <summary>Bytes per parameter of the transformer-block linears other than routed experts.</summary>
    /// <remarks>A checkpoint that ships only its experts quantized (gpt-oss: MXFP4) keeps the other linears 16-bit at that format.</remarks>
    public static double LinearBytesPerParameter(ModelArchitecture model, Precision weights)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.NativeExpertPrecision is { } native && weights.BytesPerElement() <= native.BytesPerElement()
            ? WideBytesPerParameter(weights)
            : weights.WeightBytesPerParameter();
    }

    /// <summary>The layer count of the largest pipeline stage.</summary>
    public static int LayersOnLargestStage(int layers, int pipeline) => (layers + pipeline - 1) / pipeline;

    /// <summary>The precision routed experts are stored in: the requested one, unless the checkpoint ships them narrower.</summary>
    public static Precision ExpertPrecision(ModelArchitecture model, Precision requested)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.NativeExpertPrecision is { } native && native.BytesPerElement() < requested.BytesPerElement() ? native : requested;
    }

    /// <summary>Bytes of routed experts on the most loaded GPU (part of <see cref="PerGpu"/>).</summary>
    public static double RoutedExpertBytes(
        ModelArchitecture model, Parallelism parallelism, Precision weights, Engine engine, MemoryAssumptions assumptions)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parallelism);
        ArgumentNullException.ThrowIfNull(assumptions);
        var stageFraction = (double)LayersOnLargestStage(model.Layers, parallelism.Pipeline) / model.Layers;
        if (model.Moe is not { } moe)
        {
            return 0;
        }

        var precision = ExpertPrecision(model, weights);
        var bytesPerParameter = model.NativeExpertPrecision == precision ? Mxfp4BytesPerParameter : precision.WeightBytesPerParameter();
        var expertsPerGroup = (moe.Experts + parallelism.RedundantExperts + parallelism.Expert - 1) / parallelism.Expert;
        var perExpert = (double)moe.ParametersPerExpert;
        if (model.NativeExpertPrecision == precision && engine == Engine.Vllm)
        {
            var slice = (double)moe.ExpertIntermediateSize / parallelism.ExpertTensor;
            var alignment = assumptions.Mxfp4IntermediateAlignment;
            perExpert *= Math.Ceiling(slice / alignment) * alignment / slice;
        }

        return moe.MoeLayers * stageFraction * expertsPerGroup * perExpert / parallelism.ExpertTensor * bytesPerParameter;
    }

    /// <summary>MXFP4: 4-bit values plus one 8-bit scale per 32 (OCP Microscaling Formats v1.0).</summary>
    private const double Mxfp4BytesPerParameter = 0.5 + (1.0 / 32);
}
