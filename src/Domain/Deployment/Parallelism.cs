namespace Sizing.Domain.Deployment;

/// <summary>How one deployment splits the model, in the terms the engines configure it.</summary>
/// <remarks>
/// <para>One engine instance (a replica) runs on <see cref="GpusPerReplica"/> = Tensor × Pipeline × AttentionData GPUs. Its
/// attention (and dense layers) run on AttentionData data-parallel ranks of Tensor GPUs each: every such rank holds its own
/// sequences, its own KV cache (MLA latents included) and its own token budget, and the ranks exchange no attention
/// all-reduce. Its MoE layers run on the whole group of <see cref="MoeGroup"/> = Tensor × AttentionData GPUs of a pipeline
/// stage, split into Expert groups that each hold 1/Expert of the expert slots, each slot split over
/// <see cref="ExpertTensor"/> GPUs (expert TP inside EP). AttentionData = 1 is plain tensor parallelism with EP carved out of
/// the tensor group, as before.</para>
/// <para>Data counts every data-parallel attention rank of the deployment: the engine's AttentionData ranks times the
/// independent replicas. Callers that never set AttentionData keep Data = replicas. The engines' flags for one replica
/// (docs/moe-parallelism.md): SGLang <c>--tp {Tensor×AttentionData} --dp {AttentionData} --enable-dp-attention --ep-size
/// {Expert}</c>; vLLM <c>--tensor-parallel-size {Tensor} --data-parallel-size {AttentionData} --enable-expert-parallel</c>
/// (EP = Tensor × AttentionData); TensorRT-LLM <c>tensor_parallel_size {Tensor×AttentionData}, enable_attention_dp,
/// moe_expert_parallel_size {Expert}</c> (attention TP 1).</para>
/// </remarks>
/// <param name="Tensor">Attention tensor-parallel degree: every attention and dense matmul split across this many GPUs.</param>
/// <param name="Pipeline">Pipeline stages: layers split into this many consecutive groups.</param>
/// <param name="Expert">Expert-parallel degree over the MoE group (TensorRT-LLM moe_expert_parallel_size, SGLang --ep-size):
/// the expert slots are divided among this many groups.</param>
/// <param name="Data">Data-parallel attention ranks in all: AttentionData per replica times the replicas.</param>
/// <param name="AttentionData">Data-parallel attention ranks inside one engine (DP attention); 1 = none.</param>
/// <param name="RedundantExperts">Extra expert slots for load balancing (EPLB: SGLang --ep-num-redundant-experts, TensorRT-LLM
/// num_slots − experts, vLLM --num-redundant-experts): the hottest experts are replicated into them.</param>
public sealed record Parallelism(int Tensor = 1, int Pipeline = 1, int Expert = 1, int Data = 1, int AttentionData = 1, int RedundantExperts = 0)
{
    public static Parallelism None { get; } = new();

    /// <summary>The layout an API caller means by tensor, pipeline, expert and data (and optionally attentionData).</summary>
    /// <remarks>
    /// Without attentionData, an expert group wider than the tensor group spans ⌈expert / tensor⌉ data ranks, and those ranks
    /// form one engine with DP attention: <c>{tensor 1, data 8, expert 8}</c> is SGLang's <c>--tp 8 --dp 8
    /// --enable-dp-attention --ep-size 8</c> and TensorRT-LLM's "DEP8". That needs the data ranks to make whole engines; where
    /// they do not (<c>{tensor 2, expert 8}</c> with one data rank) the layout stays plain TP, and its expert degree is
    /// reported as not dividing the tensor group. Otherwise data ranks stay independent replicas.
    /// </remarks>
    public static Parallelism Layout(int tensor, int pipeline, int expert, int data, int? attentionData = null, int redundantExperts = 0) =>
        new(tensor, pipeline, expert, data, attentionData ?? InferredAttentionData(tensor, expert, data), redundantExperts);

    /// <summary>GPUs one replica (one engine instance) needs.</summary>
    public int GpusPerReplica => checked(Tensor * Pipeline * AttentionData);

    public int TotalGpus => checked(Tensor * Pipeline * Data);

    /// <summary>Independent engine instances.</summary>
    public int Replicas => Math.Max(1, Data / AttentionData);

    /// <summary>GPUs of one pipeline stage that share the MoE layers: the attention TP group times the DP-attention ranks.</summary>
    public int MoeGroup => checked(Tensor * AttentionData);

    /// <summary>GPUs that hold a slice of each expert slot (at least one: an expert degree that does not divide the MoE group
    /// is reported by <see cref="ParallelismRules"/>, and the figures are then for whole experts per rank).</summary>
    public int ExpertTensor => Math.Max(1, MoeGroup / Expert);

    /// <summary>True when attention runs data-parallel inside the engine.</summary>
    public bool DataParallelAttention => AttentionData > 1;

    /// <summary>Sequences one attention rank holds when the engine keeps <paramref name="sequences"/> in flight: the engine
    /// routes each request to one DP-attention rank, so the busiest rank holds ⌈sequences / AttentionData⌉.</summary>
    public int SequencesPerAttentionRank(int sequences) => (sequences + AttentionData - 1) / AttentionData;

    private static int InferredAttentionData(int tensor, int expert, int data)
    {
        var ranks = tensor >= 1 && expert > tensor ? (expert + tensor - 1) / tensor : 1;
        return data >= ranks && data % ranks == 0 ? ranks : 1;
    }
}
