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

    /// <summary>All requests at once, as a benchmark run starts or an offline batch is submitted: the first tokens wait for the
    /// burst's prefills and, past the engine's capacity, for running requests to finish.</summary>
    [JsonStringEnumMemberName("burst")] Burst,

    /// <summary>Requests at a given rate whatever the engine does (open loop, Poisson), as <c>--request-rate</c> sends them.</summary>
    [JsonStringEnumMemberName("rate")] Rate,
}
