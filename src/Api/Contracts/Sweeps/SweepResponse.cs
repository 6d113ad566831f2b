namespace Sizing.Api.Contracts.Sweeps;

/// <summary>A flat series: one point per value of the varied parameter, in the order given.</summary>
/// <param name="Parameter">The parameter varied. Example: concurrency.</param>
/// <param name="Points">One estimate per value.</param>
public sealed record SweepResponse(SweepParameter Parameter, IReadOnlyList<SweepPointResponse> Points);

/// <summary>One estimate, flattened for charts; per replica unless named per GPU.</summary>
/// <param name="Value">The parameter's value. Example: 64.</param>
/// <param name="Fits">Whether it fits; when false, <c>reason</c> says why and the latency, throughput and communication figures are null.</param>
/// <param name="Concurrency">Requests in flight the figures are for. Example: 64.</param>
/// <param name="TtftMs">Time to first token, ms. Example: 95.</param>
/// <param name="TpotMs">Time per output token, ms. Example: 8.5.</param>
/// <param name="E2eMs">Request latency, ms.</param>
/// <param name="OutputTokensPerSecond">Output tokens/s of the replica. Example: 7100.</param>
/// <param name="OutputTokensPerSecondPerGpu">The same over the replica's GPUs.</param>
/// <param name="OutputTokensPerSecondPerUser">1 / TPOT.</param>
/// <param name="RequestsPerSecond">Completed requests/s of the replica.</param>
/// <param name="WeightsGiB">Weights per GPU, GiB. Example: 32.86.</param>
/// <param name="KvCacheGiB">KV cache the sequences occupy per GPU, GiB.</param>
/// <param name="KvCachePoolGiB">KV pool the engine reserves per GPU, GiB.</param>
/// <param name="HeadroomGiB">Capacity minus what the workload needs per GPU, GiB.</param>
/// <param name="MaxConcurrentSequences">Sequences the KV pool holds per replica.</param>
/// <param name="CommunicationShareOfDecode">Fraction of a decode step in exposed collectives, 0–1.</param>
/// <param name="Bound">memory | compute | communication.</param>
/// <param name="Reason">The first reason it does not fit; null when it fits.</param>
/// <param name="TtftMsLow">Lower edge of the TTFT's error band, ms (see <c>uncertainty</c> of POST /v1/estimates); the latency and throughput band edges are null when the figures are. Example: 76.</param>
/// <param name="TtftMsHigh">Upper edge of the TTFT's error band, ms. Example: 139.</param>
/// <param name="TpotMsLow">Lower edge of the TPOT's error band, ms. Example: 7.4.</param>
/// <param name="TpotMsHigh">Upper edge of the TPOT's error band, ms. Example: 10.9.</param>
/// <param name="E2eMsLow">Lower edge of the request latency's error band, ms.</param>
/// <param name="E2eMsHigh">Upper edge of the request latency's error band, ms.</param>
/// <param name="OutputTokensPerSecondLow">Lower edge of the replica throughput's error band, tokens/s. Example: 6000.</param>
/// <param name="OutputTokensPerSecondHigh">Upper edge of the replica throughput's error band, tokens/s. Example: 8400.</param>
/// <param name="OutputTokensPerSecondPerGpuLow">Lower edge of the per-GPU throughput's error band, tokens/s.</param>
/// <param name="OutputTokensPerSecondPerGpuHigh">Upper edge of the per-GPU throughput's error band, tokens/s.</param>
/// <param name="OutputTokensPerSecondPerUserLow">Lower edge of the per-user speed's error band, tokens/s.</param>
/// <param name="OutputTokensPerSecondPerUserHigh">Upper edge of the per-user speed's error band, tokens/s.</param>
/// <param name="WeightsGiBLow">Lower edge of the weights' error band, GiB.</param>
/// <param name="WeightsGiBHigh">Upper edge of the weights' error band, GiB.</param>
/// <param name="KvCachePoolGiBLow">Lower edge of the KV pool's error band, GiB.</param>
/// <param name="KvCachePoolGiBHigh">Upper edge of the KV pool's error band, GiB.</param>
public sealed record SweepPointResponse(
    double Value,
    bool Fits,
    int Concurrency,
    double? TtftMs,
    double? TpotMs,
    double? E2eMs,
    double? OutputTokensPerSecond,
    double? OutputTokensPerSecondPerGpu,
    double? OutputTokensPerSecondPerUser,
    double? RequestsPerSecond,
    double WeightsGiB,
    double KvCacheGiB,
    double KvCachePoolGiB,
    double HeadroomGiB,
    double MaxConcurrentSequences,
    double? CommunicationShareOfDecode,
    string? Bound,
    string? Reason,
    double? TtftMsLow,
    double? TtftMsHigh,
    double? TpotMsLow,
    double? TpotMsHigh,
    double? E2eMsLow,
    double? E2eMsHigh,
    double? OutputTokensPerSecondLow,
    double? OutputTokensPerSecondHigh,
    double? OutputTokensPerSecondPerGpuLow,
    double? OutputTokensPerSecondPerGpuHigh,
    double? OutputTokensPerSecondPerUserLow,
    double? OutputTokensPerSecondPerUserHigh,
    double WeightsGiBLow,
    double WeightsGiBHigh,
    double KvCachePoolGiBLow,
    double KvCachePoolGiBHigh);
