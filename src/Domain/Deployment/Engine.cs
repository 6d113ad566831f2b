using System.Text.Json.Serialization;

namespace Sizing.Domain.Deployment;

/// <summary>The serving engine; it decides the memory budget rule and the kernel efficiencies.</summary>
public enum Engine
{
    [JsonStringEnumMemberName("vllm")] Vllm,
    [JsonStringEnumMemberName("sglang")] Sglang,
    [JsonStringEnumMemberName("trtllm")] Trtllm,
    [JsonStringEnumMemberName("lmdeploy")] Lmdeploy,
    [JsonStringEnumMemberName("generic")] Generic,
}

/// <summary>How requests share the GPUs.</summary>
public enum Batching
{
    /// <summary>Requests join and leave the running batch every step (vLLM, SGLang, TensorRT-LLM in-flight batching).</summary>
    [JsonStringEnumMemberName("continuous")] Continuous,

    /// <summary>All requests of a batch start together and the batch ends when the longest finishes.</summary>
    [JsonStringEnumMemberName("static")] Static,
}

/// <summary>How requests reach the engine.</summary>
public enum Arrival
{
    /// <summary>A fixed number of clients, each sending its next request as soon as the previous one finishes (a closed loop, as
    /// <c>vllm bench serve --max-concurrency N</c> and most load testers run).</summary>
    [JsonStringEnumMemberName("steady")] Steady,

    /// <summary>A fixed number of clients sending fixed-length requests, as a serving benchmark runs them (<c>vllm bench serve
    /// --max-concurrency N --num-prompts M</c>): the run starts with all N at once, and since every request decodes in the same
    /// steps, they finish, and their clients send the next ones, in the same groups: the waves stay in step.</summary>
    [JsonStringEnumMemberName("waves")] Waves,

    /// <summary>All requests at once, as a benchmark run starts or an offline batch is submitted: the first tokens wait for the
    /// burst's prefills and, past the engine's capacity, for running requests to finish.</summary>
    [JsonStringEnumMemberName("burst")] Burst,

    /// <summary>Requests at a given rate whatever the engine does (open loop, Poisson), as <c>--request-rate</c> sends them.</summary>
    [JsonStringEnumMemberName("rate")] Rate,
}

/// <summary>How a workload is batched as requests and calibration files name it: a batching and the way its load arrives.</summary>
/// <remarks>
/// <c>continuous</c> and <c>continuous-concurrency</c>: a fixed number of clients in a closed loop (vllm bench serve
/// --max-concurrency), in step as a benchmark's fixed-length requests keep them unless the workload says <c>steady</c>; <c>continuous-rate</c>: requests at a rate (--request-rate), all at once when no rate is given (rate
/// inf); <c>offline-max</c>: every request queued at once, as offline throughput benchmarks (trtllm-bench, vLLM's
/// benchmark_throughput) run; <c>static</c>: one batch that starts and ends together.
/// </remarks>
public enum BatchingMode
{
    [JsonStringEnumMemberName("continuous")] Continuous,
    [JsonStringEnumMemberName("continuous-concurrency")] ContinuousConcurrency,
    [JsonStringEnumMemberName("continuous-rate")] ContinuousRate,
    [JsonStringEnumMemberName("offline-max")] OfflineMax,
    [JsonStringEnumMemberName("static")] Static,
}

/// <summary>The one place a <see cref="BatchingMode"/> becomes a batching, an arrival, a rate and a run length.</summary>
public static class BatchingNames
{
    /// <summary>Requests a rate-driven run lasts when it does not say: vllm bench serve's default --num-prompts.</summary>
    public const int DefaultRunRequests = 1000;

    /// <summary>Waves a concurrency run lasts when it does not say: ten times the clients, as InferenceX's harness and most
    /// published sweeps choose --num-prompts (docs/physics.md).</summary>
    public const int DefaultRunWaves = 10;

    /// <summary>The batching and the arrival a mode implies.</summary>
    public static (Batching Batching, Arrival Arrival) Of(BatchingMode? mode) => mode switch
    {
        BatchingMode.ContinuousRate => (Batching.Continuous, Arrival.Rate),
        BatchingMode.OfflineMax => (Batching.Continuous, Arrival.Burst),
        BatchingMode.Static => (Batching.Static, Arrival.Steady),
        _ => (Batching.Continuous, Arrival.Waves),
    };

    /// <summary>The load a workload describes: its batching mode, an explicit arrival (else the mode's), a rate and a run length.</summary>
    /// <remarks>A rate-driven run without a finite rate sends every request at once (vllm bench serve --request-rate inf): a
    /// burst of the run's requests, <see cref="DefaultRunRequests"/> when not given.</remarks>
    public static (Batching Batching, Arrival Arrival, double? RequestsPerSecond, int? Requests) Resolve(
        BatchingMode? mode, Arrival? arrival, double? requestsPerSecond, int? requests)
    {
        var (kind, implied) = Of(mode);
        var chosen = arrival ?? implied;
        var finite = requestsPerSecond is { } r && double.IsFinite(r);
        return chosen == Arrival.Rate && !finite
            ? (kind, Arrival.Burst, null, requests ?? DefaultRunRequests)
            : (kind, chosen, chosen == Arrival.Rate ? requestsPerSecond : null, requests);
    }
}
