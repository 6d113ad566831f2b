using Sizing.Domain.Deployment;
using Sizing.Domain.Units;
using static Sizing.Domain.InvariantText;

namespace Sizing.Domain.Memory;

/// <summary>Which setting would make a deployment whose KV pool is empty, or too small for one sequence, fit.</summary>
/// <remarks>
/// Each suggestion is computed by re-running the engine's budget rule with that one setting changed, so it names a value that
/// fits rather than a direction: a higher memory fraction (vLLM's own error: "Try increasing gpu_memory_utilization"), fewer
/// sequences in the sampler warm-up ("try lowering max_num_seqs", gpu_model_runner._dummy_sampler_run), fewer batched tokens
/// in the profiled forward pass, or a shorter max_model_len (the binary search of kv_cache_utils._estimate_max_model_len).
/// </remarks>
internal static class FitAdvice
{
    /// <summary>Everything the budget rule needs, with the settings the advice may change.</summary>
    internal sealed record Situation(
        MemoryInput Input,
        EngineMemoryRules Rules,
        MemoryAssumptions Assumptions,
        KvCacheLayout Layout,
        Bytes Weights,
        Bytes NonTorch,
        Bytes OutsideBudget,
        double Utilization,
        int BatchedTokens,
        int MaxSeqs,
        Bytes PerSequenceAtMax);

    /// <summary>The engine's flag for each setting, as its documentation spells it.</summary>
    private sealed record Flags(string Utilization, string? MaxSeqs, string? BatchedTokens, string MaxModelLength);

    public static IEnumerable<string> Suggest(Situation s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var flags = FlagsFor(s.Input.Engine);
        var capacity = s.Input.Gpu.Memory;
        var suggestions = new List<string>();

        if (UtilizationThatFits(s) is { } utilization)
        {
            suggestions.Add(Invariant($"raise gpuMemoryUtilization to {utilization:0.00} ({flags.Utilization} {utilization:0.00})"));
        }

        // vLLM profiles the sampler over max_num_seqs sequences and the forward pass over max_num_batched_tokens.
        if (flags.MaxSeqs is not null && s.Input.Engine != Engine.Sglang && Largest(1, s.MaxSeqs - 1, n => Fits(s, s.BatchedTokens, n)) is { } seqs)
        {
            suggestions.Add(Invariant($"lower maxNumSeqs to {seqs} ({flags.MaxSeqs} {seqs}): the sampler warm-up over {s.MaxSeqs} sequences is what leaves no room"));
        }

        if (flags.BatchedTokens is not null && s.Input.Engine != Engine.Sglang && Largest(256, s.BatchedTokens - 1, t => Fits(s, t, s.MaxSeqs)) is { } tokens)
        {
            suggestions.Add(Invariant($"lower maxNumBatchedTokens to {tokens} ({flags.BatchedTokens} {tokens})"));
        }

        var pool = Pool(s, s.BatchedTokens, s.MaxSeqs, s.Utilization);
        if (pool > Bytes.Zero && KvPoolPlan.LongestRequestThatFits(s.Layout, pool, s.Input.MaxModelLength - 1) is var length and > 0)
        {
            suggestions.Add(Invariant($"lower maxModelLength to {length} tokens or fewer ({flags.MaxModelLength} {length})"));
        }

        if (suggestions.Count == 0)
        {
            suggestions.Add(Invariant($"the weights alone take {s.Weights.GiB:0.##} of {capacity.GiB:0.##} GiB per GPU: use more tensor or pipeline parallelism, or a narrower weight format"));
        }

        return suggestions;
    }

    /// <summary>The smallest memory fraction (to 0.01) at which one max_model_len sequence fits, if the GPU allows it.</summary>
    private static double? UtilizationThatFits(Situation s)
    {
        // Whatever the engine leaves outside its fraction (CUDA context and graphs) still has to fit beside it.
        var capacity = s.Input.Gpu.Memory;
        var ceiling = Math.Min(0.99, Math.Floor((capacity - s.OutsideBudget) / capacity * 100) / 100);
        var activations = MemoryEstimator.ActivationsFor(s.Input, s.Rules, s.BatchedTokens, s.MaxSeqs, s.Assumptions);
        for (var u = Math.Ceiling(s.Utilization * 100) / 100; u <= ceiling + 1e-9; u += 0.01)
        {
            var pool = MemoryEstimator.Pool(s.Input, s.Rules, s.Assumptions, s.Weights, activations, s.NonTorch, s.OutsideBudget, u);
            if (u > s.Utilization && pool >= s.PerSequenceAtMax)
            {
                return Math.Round(u, 2);
            }
        }

        return null;
    }

    private static bool Fits(Situation s, int batchedTokens, int maxSeqs)
    {
        var pool = Pool(s, batchedTokens, maxSeqs, s.Utilization);
        return pool > Bytes.Zero && pool >= s.PerSequenceAtMax;
    }

    private static Bytes Pool(Situation s, int batchedTokens, int maxSeqs, double utilization)
    {
        var activations = MemoryEstimator.ActivationsFor(s.Input, s.Rules, batchedTokens, maxSeqs, s.Assumptions);
        return MemoryEstimator.Pool(s.Input, s.Rules, s.Assumptions, s.Weights, activations, s.NonTorch, s.OutsideBudget, utilization);
    }

    /// <summary>The largest value in [low, high] for which <paramref name="fits"/> holds, assuming it holds below any value it holds for.</summary>
    private static int? Largest(int low, int high, Func<int, bool> fits)
    {
        if (high < low || !fits(low))
        {
            return null;
        }

        while (low < high)
        {
            var mid = low + ((high - low + 1) / 2);
            if (fits(mid))
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return low;
    }

    private static Flags FlagsFor(Engine engine) => engine switch
    {
        Engine.Sglang => new("--mem-fraction-static", null, null, "--context-length"),
        Engine.Trtllm => new("--kv_cache_free_gpu_memory_fraction", null, "--max_num_tokens", "--max_seq_len"),
        Engine.Lmdeploy => new("--cache-max-entry-count", null, null, "--session-len"),
        _ => new("--gpu-memory-utilization", "--max-num-seqs", "--max-num-batched-tokens", "--max-model-len"),
    };

}
