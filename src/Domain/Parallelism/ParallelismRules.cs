using Sizing.Domain.Architecture;
using Sizing.Domain.Deployment;

namespace Sizing.Domain;

/// <summary>Which parallel degrees a model can actually run with.</summary>
/// <remarks>
/// vLLM asserts <c>total_num_heads % tp_size == 0</c> (docs/formulas.md §1.7) and needs the KV heads to split evenly or be
/// replicated whole; pipeline stages need at least one layer; expert parallelism sits inside the tensor group
/// (TensorRT-LLM: moe_tp_size × moe_ep_size = tp_size) and must divide the experts.
/// </remarks>
public static class ParallelismRules
{
    public static IReadOnlyList<string> Check(ModelArchitecture model, Parallelism parallelism)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parallelism);
        var reasons = new List<string>();
        var tp = parallelism.Tensor;
        if (model.AttentionHeads % tp != 0)
        {
            reasons.Add($"invalid TP: {model.AttentionHeads} attention heads are not divisible by tensor parallel {tp}");
        }
        else if (model.Mla is null && model.KvHeads % tp != 0 && tp % model.KvHeads != 0)
        {
            reasons.Add($"invalid TP: {model.KvHeads} KV heads can neither be split evenly nor replicated across tensor parallel {tp}");
        }

        if (parallelism.Pipeline > model.Layers)
        {
            reasons.Add($"invalid PP: {parallelism.Pipeline} pipeline stages for {model.Layers} layers");
        }

        if (parallelism.Expert > 1)
        {
            if (model.Moe is not { } moe)
            {
                reasons.Add("invalid EP: expert parallelism needs a mixture-of-experts model");
            }
            else if (tp % parallelism.Expert != 0)
            {
                reasons.Add($"invalid EP: expert parallel {parallelism.Expert} must divide tensor parallel {tp} (experts are spread over the tensor group)");
            }
            else if (moe.Experts % parallelism.Expert != 0)
            {
                reasons.Add($"invalid EP: {moe.Experts} experts are not divisible by expert parallel {parallelism.Expert}");
            }
        }

        return reasons;
    }
}
