using Sizing.Domain.Speculative;
using Sizing.Domain.Units;

namespace Sizing.Domain.Tests.Speculative;

/// <summary>Speculative decoding and MTP against Leviathan et al. (ICML 2023), the DeepSeek-V3 technical report and the
/// engines' guidance that speculation pays at small batch only.</summary>
public sealed class SpeculativeDecodingTests
{
    /// <summary>A decode step as a roofline: streaming ~40 ms of weights and KV, or 0.1 ms of math per token, whichever is
    /// longer (an illustrative memory-bound model, not a fitted one).</summary>
    private static Seconds Step(int tokens) => Seconds.FromMilliseconds(Math.Max(40, 0.1 * tokens));

    private static SpeculativeEstimate Estimate(int batch, int draftTokens = 3, double acceptance = 0.8, double draftShare = 1.0 / 61) =>
        SpeculativeDecoding.Estimate(new SpeculativeInput(
            draftTokens, acceptance, batch, Step(batch), Step(batch * (draftTokens + 1)), Step(batch) * draftShare));

    [Theory]
    [InlineData(0.85, 1, 1.85)]
    [InlineData(0.85, 3, 3.186625)] // 1 + 0.85 + 0.7225 + 0.614125
    [InlineData(0.6, 2, 1.96)]
    [InlineData(0.0, 4, 1.0)]
    [InlineData(1.0, 4, 5.0)]
    public void TokensPerStep_IsTheGeometricSeriesOfTheAcceptanceRate(double acceptance, int draftTokens, double expected)
    {
        Assert.Equal(expected, SpeculativeDecoding.TokensPerStep(acceptance, draftTokens), 1e-12);
    }

    [Fact]
    public void Speedup_DeepSeekV3MtpAtSmallBatch_IsTheReportedOnePointEightTimes()
    {
        // DeepSeek-V3 report §5.4.3: 85-90 % acceptance of the second token "delivering 1.8 times TPS". One MTP module is one
        // more transformer block on a 61-layer model; a memory-bound verification of 2 tokens costs one plain step.
        var estimate = SpeculativeDecoding.Estimate(new SpeculativeInput(
            1, SpeculativeDecoding.DeepSeekMtpAcceptanceRate, 1, Step(1), Step(2), Step(1) / 61));

        Assert.Equal(1.8, estimate.Speedup, 1.8 * 0.05);
        Assert.True(estimate.Pays);
    }

    [Fact]
    public void Speedup_OnceTheBatchIsComputeBound_StopsPaying()
    {
        // TensorRT-LLM speculative-decoding docs: "Speculation is most effective at low batch sizes".
        var small = Estimate(batch: 8);
        var large = Estimate(batch: 1024);

        Assert.True(small.Pays);
        Assert.False(large.Pays);
        Assert.True(large.OutputTokensPerSecond < large.BaselineOutputTokensPerSecond);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(128)]
    [InlineData(256)]
    [InlineData(1024)]
    public void BreakEvenVerifyStep_SeparatesPayingFromLosing(int batch)
    {
        var estimate = Estimate(batch);
        var verify = Step(batch * 4);

        Assert.Equal(verify < estimate.BreakEvenVerifyStep, estimate.Pays);
    }

    [Fact]
    public void Throughput_AtSmallBatch_GrowsByTheTokensPerStep()
    {
        var estimate = Estimate(batch: 16, draftShare: 0);

        Assert.Equal(estimate.TokensPerStep, estimate.OutputTokensPerSecond / estimate.BaselineOutputTokensPerSecond, 1e-9);
        Assert.Equal(estimate.BaselineTpot / estimate.TokensPerStep, estimate.Tpot);
    }

    [Fact]
    public void DraftCost_EatsIntoTheGain()
    {
        var cheap = Estimate(batch: 8, draftShare: 1.0 / 61);
        var dear = Estimate(batch: 8, draftShare: 0.2); // a draft model a fifth of the target's step

        Assert.True(dear.Speedup < cheap.Speedup);
    }

    [Fact]
    public void BreakEvenVerifyStep_DraftingDearerThanItsTokens_IsZeroAndNeverPays()
    {
        // 16 drafted tokens, none accepted: one token per step, and a draft pass as dear as a plain step. Drafting alone costs
        // 16 plain steps for the 1 step of tokens it yields, so no verification step, however fast, makes it pay.
        var hopeless = Estimate(batch: 8, draftTokens: 16, acceptance: 0, draftShare: 1);

        Assert.Equal(Seconds.Zero, hopeless.BreakEvenVerifyStep);
        Assert.False(hopeless.Pays);
    }

    [Theory]
    [InlineData(0.85, 1)]
    [InlineData(0.7, 3)]
    [InlineData(0.5, 5)]
    public void AcceptanceRateFromLength_InvertsTokensPerStep(double acceptance, int draftTokens)
    {
        var length = SpeculativeDecoding.TokensPerStep(acceptance, draftTokens);

        Assert.Equal(acceptance, SpeculativeDecoding.AcceptanceRateFromLength(length, draftTokens), 1e-9);
    }

    [Fact]
    public void DefaultAcceptanceRate_OnlyMtpHasAPublishedDefault()
    {
        Assert.Equal(0.85, SpeculativeDecoding.DefaultAcceptanceRate(SpeculativeMethod.Mtp));
        Assert.Null(SpeculativeDecoding.DefaultAcceptanceRate(SpeculativeMethod.Eagle));
        Assert.Null(SpeculativeDecoding.DefaultAcceptanceRate(SpeculativeMethod.DraftModel));
    }
}
