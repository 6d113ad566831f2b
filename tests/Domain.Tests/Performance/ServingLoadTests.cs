using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Performance;
using Sizing.Domain.Units;

namespace Sizing.Domain.Tests.Performance;

/// <summary>Admission, queueing and percentiles under load (issue 9): the invariants any honest serving model keeps.</summary>
public sealed class ServingLoadTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.BuiltIn;

    private static PerformanceEstimate Estimate(
        int? clients, int input = 1024, int output = 256, string model = "llama-3.1-8b", string gpu = "h100-sxm-80gb", int tp = 1,
        Arrival arrival = Arrival.Steady, double? rate = null, int? requests = null, int? maxNumSeqs = null)
    {
        var spec = Catalog.FindGpu(gpu)!;
        var memory = new MemoryInput(Catalog.FindModel(model)!.Architecture, spec, new Parallelism(tp, 1, 1), Precision.Bf16,
            Precision.Bf16, Engine.Vllm, input + output, input + output, clients, MaxNumSeqs: maxNumSeqs);
        var topology = new Topology(spec, 8, spec.Node.IntraNode, InterNodeLink.InfiniBand);
        return DeploymentEstimator.Estimate(new DeploymentInput(memory, topology, input, output, Batching.Continuous, arrival, rate, requests)).Performance;
    }

    [Fact]
    public void Tpot_OneClient_IsAPureDecodeStepWhateverThePromptLength()
    {
        // Issue 9: a 128k-token prompt at concurrency 1 used to inflate TPOT from ≈ 10 to 56 ms. Alone, a request's decode steps
        // carry no prompt work: a longer prompt only adds the KV its attention reads.
        var shortPrompt = Estimate(1, input: 1024);
        var longPrompt = Estimate(1, input: 128_000);

        var model = Catalog.FindModel("llama-3.1-8b")!.Architecture;
        var extraKv = KvCacheCalculator.PerSequencePerGpu(model, Parallelism.None, Precision.Bf16, 128_128, 16)
            - KvCacheCalculator.PerSequencePerGpu(model, Parallelism.None, Precision.Bf16, 1152, 16);
        var readTime = extraKv / Catalog.FindGpu("h100-sxm-80gb")!.Sustained.MemoryBandwidth;
        Assert.InRange((longPrompt.Tpot - shortPrompt.Tpot).Value, 0, readTime.Value * 1.2);
        Assert.Equal(LatencyPercentiles.Constant(shortPrompt.Tpot), shortPrompt.TpotPercentiles);
    }

    [Fact]
    public void Ttft_OneClient_HasNoWaitBeyondItsOwnPrefill()
    {
        var one = Estimate(1);

        Assert.Equal(0, one.Waiting);
        Assert.Equal(one.TtftPercentiles.P50, one.TtftPercentiles.P99);
    }

    [Fact]
    public void Ttft_MoreClients_NeverLowersIt()
    {
        var ttfts = new[] { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096 }.Select(n => Estimate(n).Ttft).ToList();

        for (var i = 1; i < ttfts.Count; i++)
        {
            Assert.True(ttfts[i] >= ttfts[i - 1], $"TTFT fell from {ttfts[i - 1]} to {ttfts[i]}");
        }
    }

    [Fact]
    public void PastCapacity_TpotAndThroughputPlateauWhileTtftGrowsAsLittlesLaw()
    {
        // max_num_seqs 64 caps the running batch; 128 and 256 clients wait in turn for a slot.
        var atCapacity = Estimate(64, maxNumSeqs: 64);
        var twice = Estimate(128, maxNumSeqs: 64);
        var fourTimes = Estimate(256, maxNumSeqs: 64);

        Assert.Equal(atCapacity.Tpot.Value, twice.Tpot.Value, 9);
        Assert.Equal(atCapacity.OutputTokensPerSecond, fourTimes.OutputTokensPerSecond, 6);
        Assert.True(twice.Queues);
        Assert.Equal(64, twice.Waiting);

        // N clients at a plateau rate x: E2E = N/x, so each extra 128 clients add 128/x to TTFT.
        var perClient = 1 / atCapacity.RequestsPerSecond;
        Assert.Equal(128 * perClient, (fourTimes.Ttft - twice.Ttft).Value, 3);
    }

    [Fact]
    public void Burst_BeyondCapacity_TheLastRequestsWaitForSlotsAndTheTailIsLong()
    {
        var burst = Estimate(null, input: 256, output: 256, arrival: Arrival.Burst, requests: 1000, maxNumSeqs: 100);

        // Request j > 100 is admitted after j − 100 completions: its wait grows linearly, so p99 ≈ 2 × mean.
        Assert.Equal(100, burst.Running);
        Assert.True(burst.TtftPercentiles.P99 > burst.Ttft * 1.6);
        Assert.True(burst.TtftPercentiles.P50 <= burst.TtftPercentiles.P90 && burst.TtftPercentiles.P90 <= burst.TtftPercentiles.P99);
    }

    [Fact]
    public void Rate_BelowCapacity_NothingWaitsAndFasterArrivalsRaiseTtft()
    {
        var slow = Estimate(null, arrival: Arrival.Rate, rate: 0.5);
        var fast = Estimate(null, arrival: Arrival.Rate, rate: 5);

        Assert.False(fast.Queues);
        Assert.Equal(5, fast.RequestsPerSecond, 9);
        Assert.True(fast.Ttft > slow.Ttft);
        Assert.True(fast.Running > slow.Running);
    }

    [Fact]
    public void Rate_BeyondCapacity_QueuesAndCompletesAtThePlateau()
    {
        var plateau = Estimate(null, maxNumSeqs: 16);
        var overloaded = Estimate(null, arrival: Arrival.Rate, rate: plateau.RequestsPerSecond * 3, requests: 1000, maxNumSeqs: 16);

        Assert.True(overloaded.Queues);
        Assert.Equal(plateau.RequestsPerSecond, overloaded.RequestsPerSecond, 6);
        Assert.True(overloaded.Ttft > plateau.Ttft * 10);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(512)]
    public void Percentiles_AreOrdered(int clients)
    {
        var p = Estimate(clients, requests: 10 * clients);

        Assert.True(p.TtftPercentiles.P50 <= p.TtftPercentiles.P90 && p.TtftPercentiles.P90 <= p.TtftPercentiles.P99);
        Assert.True(p.TpotPercentiles.P50 <= p.TpotPercentiles.P90 && p.TpotPercentiles.P90 <= p.TpotPercentiles.P99);
    }

    [Fact]
    public void Tpot_ManyClientsWithLongPrompts_SomeRequestsSeeMorePrefillChunksThanOthers()
    {
        // Decode steps that carry another request's prefill chunk are slower; how many a request meets varies (binomially).
        var p = Estimate(16, input: 8192, output: 256);

        Assert.True(p.TpotPercentiles.P99 > p.TpotPercentiles.P50);
        Assert.True(p.Tpot > Estimate(1, input: 8192, output: 256).Tpot);
    }

    [Fact]
    public void Waves_IsWhatContinuousBatchingWithClientsMeans()
    {
        // A concurrency sweep (vllm bench serve --max-concurrency N) runs fixed-length requests: the default for N clients.
        Assert.Equal((Batching.Continuous, Arrival.Waves), BatchingNames.Of(BatchingMode.Continuous));
        Assert.Equal((Batching.Continuous, Arrival.Waves), BatchingNames.Of(BatchingMode.ContinuousConcurrency));
        Assert.Equal(Arrival.Steady, BatchingNames.Resolve(BatchingMode.Continuous, Arrival.Steady, null, null).Arrival);
    }

    [Fact]
    public void Waves_OneGroupHoldsEveryClient_TheirPromptsShareOneStepAndTheEngineIdlesBetweenWaves()
    {
        // 4 × 1024 tokens fit vLLM's 8192-token budget on an H100: each wave's prompts arrive together and are prefilled in one
        // step, so each first token waits for all four prompts, while clients out of step prefill about one prompt at a time.
        var inStep = Estimate(4, arrival: Arrival.Waves, requests: 1000);
        var outOfStep = Estimate(4, arrival: Arrival.Steady);
        var alone = Estimate(1, arrival: Arrival.Waves, requests: 1000);

        Assert.True(inStep.Ttft > outOfStep.Ttft);
        Assert.True(inStep.Ttft > alone.Ttft);
        Assert.Equal(LatencyPercentiles.Constant(inStep.Tpot), inStep.TpotPercentiles);
    }

    [Fact]
    public void Waves_MoreGroupsThanOne_EachGroupWaitsForThePreviousGroupsStep()
    {
        // 64 × 1024 tokens fill eight steps of the budget: each later group arrives while the previous group's prefill runs.
        var p = Estimate(64, arrival: Arrival.Waves, requests: 100_000);
        var group = Estimate(7, arrival: Arrival.Waves, requests: 100_000);

        Assert.True(p.Ttft > group.Ttft * 1.5);
        Assert.Equal(0, p.Waiting);
    }

    [Fact]
    public void Waves_FirstWaveOfAShortRun_RaisesTheMeanAndTheTail()
    {
        // The run's first wave queues all N prompts for the budget; a run of two waves shows it in half its requests.
        var shortRun = Estimate(64, arrival: Arrival.Waves, requests: 128);
        var longRun = Estimate(64, arrival: Arrival.Waves, requests: 64_000);

        Assert.True(shortRun.Ttft > longRun.Ttft);
        Assert.True(shortRun.TtftPercentiles.P99 > shortRun.TtftPercentiles.P50);
        Assert.Equal(longRun.Tpot, shortRun.Tpot);
    }

    [Fact]
    public void Waves_MoreClients_NeverLowersTtftAndPastCapacityTtftGrowsAsLittlesLaw()
    {
        var ttfts = new[] { 1, 2, 4, 8, 16, 32, 64, 128, 256 }.Select(n => Estimate(n, arrival: Arrival.Waves, maxNumSeqs: 64).Ttft).ToList();
        for (var i = 1; i < ttfts.Count; i++)
        {
            Assert.True(ttfts[i] >= ttfts[i - 1], $"TTFT fell from {ttfts[i - 1]} to {ttfts[i]}");
        }

        // Past capacity every wave's groups queue behind the running batch: each extra 128 clients add 128/x to TTFT.
        var atCapacity = Estimate(64, arrival: Arrival.Waves, maxNumSeqs: 64);
        var twice = Estimate(128, arrival: Arrival.Waves, maxNumSeqs: 64);
        var fourTimes = Estimate(256, arrival: Arrival.Waves, maxNumSeqs: 64);
        Assert.Equal(atCapacity.OutputTokensPerSecond, fourTimes.OutputTokensPerSecond, 6);
        Assert.Equal(64, twice.Waiting);
        Assert.Equal(128 / atCapacity.RequestsPerSecond, (fourTimes.Ttft - twice.Ttft).Value, 3);
    }

    [Fact]
    public void Waves_PromptWorkBeyondTheDecodeSteps_PacesTheRunAndClientsQueueForIt()
    {
        // 64 clients of 8192-token prompts with 16 output tokens: 64 full-budget steps per wave, only 15 decode steps per
        // request to hide them in; prefill sets the pace, and the run completes one budget of prompts per step.
        var p = Estimate(64, input: 8192, output: 16, arrival: Arrival.Waves, requests: 100_000);
        var promptTokensPerSecond = p.RequestsPerSecond * 8192;

        Assert.True(p.Ttft > p.Tpot * 30);
        Assert.InRange(promptTokensPerSecond * p.Tpot.Value, 7000, 8200);
    }
}
