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
