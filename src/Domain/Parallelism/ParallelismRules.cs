using Sizing.Domain.Architecture;
using Sizing.Domain.Deployment;
using static Sizing.Domain.InvariantText;

namespace Sizing.Domain;

/// <summary>Which parallel layouts a model can actually run with, and which an engine refuses.</summary>
/// <remarks>
/// vLLM asserts <c>total_num_heads % tp_size == 0</c> (docs/formulas.md §1.7) and needs the KV heads to split evenly or be
/// replicated whole; pipeline stages need at least one layer. The MoE layers of one stage run on Tensor × AttentionData GPUs
/// split into Expert groups: SGLang derives <c>moe_tp_size = tp_size // ep_size</c> and raises "tp_size must be divisible by
/// ep_size" (parallel_state.py), TensorRT-LLM requires moe_tensor_parallel_size × moe_expert_parallel_size =
/// tensor_parallel_size (docs/source/features/parallel-strategy.md). The expert slots (experts plus redundant ones) must
/// split evenly over the EP groups, except in vLLM, whose determine_expert_map gives the remainder to the first ranks.
/// </remarks>
public static class ParallelismRules
{
    /// <summary>The checks every engine makes, with experts split evenly (the strictest engines' rule).</summary>
    public static IReadOnlyList<string> Check(ModelArchitecture model, Parallelism parallelism) => Check(model, parallelism, Engine.Generic);

    /// <summary>The checks <paramref name="engine"/> makes at start-up for this layout.</summary>
    public static IReadOnlyList<string> Check(ModelArchitecture model, Parallelism parallelism, Engine engine)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parallelism);
        var structural = Structural(parallelism);
        var reasons = new List<string>(structural.Count);
        for (var i = 0; i < structural.Count; i++)
        {
            reasons.Add(structural[i].Message);
        }

        AttentionRules(model, parallelism, reasons);
        if (parallelism.Pipeline > model.Layers)
        {
            reasons.Add(Invariant($"invalid PP: {parallelism.Pipeline} pipeline stages for {model.Layers} layers"));
        }

        DataRules(model, parallelism, engine, reasons);
        ExpertRules(model, parallelism, engine, reasons);
        return reasons;
    }

    /// <summary>What no engine and no model could run: the degrees contradict one another. The API answers these with a 400
    /// naming <see cref="StructuralProblem.Field"/>; every other rule depends on the model or the engine and is an answer
    /// (<c>fits: false</c> with the reason).</summary>
    public static IReadOnlyList<StructuralProblem> Structural(Parallelism parallelism)
    {
        ArgumentNullException.ThrowIfNull(parallelism);
        List<StructuralProblem>? problems = null;
        var dp = parallelism.AttentionData;
        if (dp > 1 && parallelism.Data % dp != 0)
        {
            (problems ??= []).Add(new("attentionData", Invariant($"invalid DP: data {parallelism.Data} is not a whole number of engines of {dp} DP-attention ranks each (data counts every DP-attention rank: attentionData per engine × replicas)")));
        }

        if (parallelism.RedundantExperts > 0 && parallelism.Expert == 1)
        {
            (problems ??= []).Add(new("redundantExperts", "invalid EP: redundant experts (EPLB) need expert parallelism"));
        }

        return problems ?? (IReadOnlyList<StructuralProblem>)[];
    }

    private static void AttentionRules(ModelArchitecture model, Parallelism parallelism, List<string> reasons)
    {
        var tp = parallelism.Tensor;
        if (model.AttentionHeads % tp != 0)
        {
            reasons.Add(Invariant($"invalid TP: {model.AttentionHeads} attention heads are not divisible by tensor parallel {tp}"));
        }
        else if (model.Mla is null && model.KvHeads % tp != 0 && tp % model.KvHeads != 0)
        {
            reasons.Add(Invariant($"invalid TP: {model.KvHeads} KV heads can neither be split evenly nor replicated across tensor parallel {tp}"));
        }
    }

    private static void DataRules(ModelArchitecture model, Parallelism parallelism, Engine engine, List<string> reasons)
    {
        var dp = parallelism.AttentionData;
        if (dp == 1)
        {
            return;
        }

        if (model.Moe is null)
        {
            reasons.Add(Invariant($"invalid DP attention: {dp} DP-attention ranks in one engine only pay off for mixture-of-experts layers shared across them; a dense model's data ranks are independent replicas (leave attentionData at 1)"));
        }

        if (engine == Engine.Trtllm && parallelism.Tensor > 1)
        {
            reasons.Add(Invariant($"TensorRT-LLM's enable_attention_dp runs attention with TP 1 on every rank (its DP size is tensor_parallel_size; docs/source/features/parallel-strategy.md): attention TP {parallelism.Tensor} × DP {dp} is not a TensorRT-LLM layout; use tensor 1 with {parallelism.MoeGroup} DP-attention ranks"));
        }
    }

    private static void ExpertRules(ModelArchitecture model, Parallelism parallelism, Engine engine, List<string> reasons)
    {
        var ep = parallelism.Expert;
        if (ep == 1)
        {
            return;
        }

        if (model.Moe is not { } moe)
        {
            reasons.Add("invalid EP: expert parallelism needs a mixture-of-experts model");
            return;
        }

        var group = parallelism.MoeGroup;
        if (group % ep != 0)
        {
            reasons.Add(parallelism.AttentionData == 1
                ? Invariant($"invalid EP: expert parallel {ep} must divide tensor parallel {parallelism.Tensor} (experts are spread over the tensor group; for EP over DP-attention ranks, data must be a multiple of {(ep + parallelism.Tensor - 1) / parallelism.Tensor})")
                : Invariant($"invalid EP: expert parallel {ep} must divide the MoE group of tensor {parallelism.Tensor} × DP attention {parallelism.AttentionData} = {group} GPUs (SGLang: tp_size must be divisible by ep_size; TensorRT-LLM: moe_tp × moe_ep = tp)"));
            return;
        }

        var slots = moe.Experts + parallelism.RedundantExperts;
        if (slots % ep != 0 && engine != Engine.Vllm)
        {
            reasons.Add(parallelism.RedundantExperts == 0
                ? Invariant($"invalid EP: {moe.Experts} experts are not divisible by expert parallel {ep}")
                : Invariant($"invalid EP: {moe.Experts} experts + {parallelism.RedundantExperts} redundant = {slots} expert slots are not divisible by expert parallel {ep}"));
        }

        if (engine == Engine.Vllm && parallelism.AttentionData > 1 && ep != group)
        {
            reasons.Add(Invariant($"vLLM's --enable-expert-parallel sets EP = DP × TP = {group} (FusedMoEParallelConfig flattens TP across DP) and has no EP-size flag: expert parallel {ep} is not a vLLM layout; use expert {group}, or 1 for experts tensor-parallel over all {group} GPUs"));
        }
    }

}

/// <summary>A layout whose degrees contradict one another, whatever the model or engine.</summary>
/// <param name="Field">The request field at fault (attentionData, redundantExperts).</param>
/// <param name="Message">Why.</param>
public sealed record StructuralProblem(string Field, string Message);
