using System.Text.Json.Serialization;
using Sizing.Domain.Units;

namespace Sizing.Domain.Speculative;

/// <summary>Where the draft tokens come from.</summary>
public enum SpeculativeMethod
{
    /// <summary>A separate small model of the same family (vLLM method draft_model, SGLang STANDALONE).</summary>
    [JsonStringEnumMemberName("draft")] DraftModel,

    /// <summary>The model's own multi-token-prediction modules (DeepSeek-V3/R1 MTP; TensorRT-LLM MTP, SGLang/vLLM mtp).</summary>
    [JsonStringEnumMemberName("mtp")] Mtp,

    /// <summary>An EAGLE head drafting from the target's hidden states (EAGLE, EAGLE-2, EAGLE-3).</summary>
    [JsonStringEnumMemberName("eagle")] Eagle,
}

/// <summary>One speculative decoding configuration at one batch size, with the step costs it trades (whatever drafts: the
/// method shows only in <paramref name="DraftStep"/> and the acceptance rate).</summary>
/// <param name="DraftTokens">k: tokens drafted per step (vLLM num_speculative_tokens, SGLang speculative_num_steps,
/// TensorRT-LLM num_nextn_predict_layers).</param>
/// <param name="AcceptanceRate">a: probability a draft token is accepted given the ones before it were (chain drafting).</param>
/// <param name="Batch">Sequences decoding together.</param>
/// <param name="TargetStep">The target model's step for the batch at one token per sequence (plain decoding).</param>
/// <param name="VerifyStep">The target model's step for the batch at k + 1 tokens per sequence (verification).</param>
/// <param name="DraftStep">One drafting pass for the batch (one token per sequence): one MTP module or EAGLE head, or the
/// draft model's whole step.</param>
public sealed record SpeculativeInput(
    int DraftTokens,
    double AcceptanceRate,
    int Batch,
    Seconds TargetStep,
    Seconds VerifyStep,
    Seconds DraftStep);

/// <summary>What speculation does to one decoding step.</summary>
/// <param name="TokensPerStep">Expected tokens each sequence emits per step, 1 + a + a² + … + a^k.</param>
/// <param name="StepTime">k draft passes plus the verification step.</param>
/// <param name="Tpot">Step time over tokens per step.</param>
/// <param name="BaselineTpot">The plain decoding step.</param>
/// <param name="Speedup">Baseline TPOT over speculative TPOT (the same ratio for throughput at this batch).</param>
/// <param name="OutputTokensPerSecond">Batch × tokens per step / step time.</param>
/// <param name="BaselineOutputTokensPerSecond">Batch / plain step.</param>
/// <param name="BreakEvenVerifyStep">The verification step at which speculation stops paying: tokens per step × plain step −
/// k × draft pass. Below it speculation wins; at high batch the verification step grows towards (k + 1) plain steps and
/// crosses it. Zero when drafting alone costs more than the tokens a step can yield: no verification step pays then.</param>
/// <param name="VerifyStep">The target's step over k + 1 tokens per sequence.</param>
/// <param name="DraftStep">One drafting pass.</param>
public sealed record SpeculativeEstimate(
    double TokensPerStep,
    Seconds StepTime,
    Seconds Tpot,
    Seconds BaselineTpot,
    double Speedup,
    double OutputTokensPerSecond,
    double BaselineOutputTokensPerSecond,
    Seconds BreakEvenVerifyStep,
    Seconds VerifyStep,
    Seconds DraftStep)
{
    public bool Pays => Speedup > 1;
}

/// <summary>Speculative decoding and multi-token prediction: more tokens per step for a dearer step.</summary>
/// <remarks>
/// With k drafted tokens each accepted with probability a once its predecessors were, a step emits
/// (1 − a^(k+1)) / (1 − a) tokens per sequence on average (Leviathan, Kalman and Matias, "Fast Inference from Transformers
/// via Speculative Decoding", ICML 2023, eq. 1). The step costs k draft passes plus one target pass over k + 1 tokens per
/// sequence. While decoding is bound by streaming the weights and KV, that pass costs about one plain step, so speculation
/// pays nearly its tokens per step; once the batch makes the step compute-bound it costs up to k + 1 plain steps and
/// speculation loses (TensorRT-LLM docs: "Speculation is most effective at low batch sizes").
/// </remarks>
public static class SpeculativeDecoding
{
    /// <summary>DeepSeek-V3 MTP: "the acceptance rate of the second token prediction ranges between 85% and 90%" (DeepSeek-V3
    /// technical report §5.4.3), the low end; one MTP module, so k = 1.</summary>
    public const double DeepSeekMtpAcceptanceRate = 0.85;

    /// <summary>A conservative rate for planning: SGLang's simulated-MTP runs "conservatively assume a 60% acceptance rate"
    /// (lmsys 2025-05-05, 96-H100 DeepSeek deployment).</summary>
    public const double ConservativeAcceptanceRate = 0.6;

    /// <summary>The documented default acceptance rate for <paramref name="method"/>, or null where no published per-token rate
    /// transfers between models (draft models and EAGLE heads depend on their training: give the rate measured for yours, or
    /// convert the engine's reported acceptance length with <see cref="AcceptanceRateFromLength"/>).</summary>
    public static double? DefaultAcceptanceRate(SpeculativeMethod method) =>
        method == SpeculativeMethod.Mtp ? DeepSeekMtpAcceptanceRate : null;

    public static SpeculativeEstimate Estimate(SpeculativeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(input.DraftTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(input.Batch);
        ArgumentOutOfRangeException.ThrowIfNegative(input.AcceptanceRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(input.AcceptanceRate, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(input.TargetStep.Value);

        var tokens = TokensPerStep(input.AcceptanceRate, input.DraftTokens);
        var drafting = input.DraftStep * input.DraftTokens;
        var step = input.VerifyStep + drafting;
        var tpot = step / tokens;
        return new(
            tokens, step, tpot, input.TargetStep, input.TargetStep / tpot, input.Batch * tokens / step.Value,
            input.Batch / input.TargetStep.Value, Seconds.Max(Seconds.Zero, (input.TargetStep * tokens) - drafting), input.VerifyStep, input.DraftStep);
    }

    /// <summary>Expected tokens per step: 1 + a + … + a^k = (1 − a^(k+1)) / (1 − a).</summary>
    public static double TokensPerStep(double acceptanceRate, int draftTokens) =>
        acceptanceRate >= 1 ? draftTokens + 1 : (1 - Math.Pow(acceptanceRate, draftTokens + 1)) / (1 - acceptanceRate);

    /// <summary>The per-token acceptance rate that yields a measured mean acceptance length (tokens per step, as vLLM's and
    /// SGLang's speculative metrics report it) with <paramref name="draftTokens"/> drafted per step.</summary>
    public static double AcceptanceRateFromLength(double acceptanceLength, int draftTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(acceptanceLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(acceptanceLength, draftTokens + 1.0);

        // Tokens per step rises monotonically in a, so bisection finds the one rate.
        double low = 0, high = 1;
        for (var i = 0; i < 60; i++)
        {
            var mid = (low + high) / 2;
            if (TokensPerStep(mid, draftTokens) < acceptanceLength)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return (low + high) / 2;
    }
}
