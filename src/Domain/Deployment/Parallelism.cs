namespace Sizing.Domain.Deployment;

/// <summary>How one deployment splits the model.</summary>
/// <param name="Tensor">Tensor-parallel degree: every large matmul split across this many GPUs.</param>
/// <param name="Pipeline">Pipeline stages: layers split into this many consecutive groups.</param>
/// <param name="Expert">Expert-parallel degree inside the tensor group (TensorRT-LLM moe_ep_size): routed experts are divided
/// among this many groups and each expert is split across Tensor/Expert GPUs. Expert = Tensor is vLLM's --enable-expert-parallel.</param>
/// <param name="Data">Independent replicas.</param>
public sealed record Parallelism(int Tensor = 1, int Pipeline = 1, int Expert = 1, int Data = 1)
{
    public static Parallelism None { get; } = new();

    /// <summary>GPUs one replica needs.</summary>
    public int GpusPerReplica => checked(Tensor * Pipeline);

    public int TotalGpus => checked(GpusPerReplica * Data);

    /// <summary>TP ranks that hold a slice of each routed expert (at least one: an expert degree that does not divide the
    /// tensor degree is reported by <see cref="ParallelismRules"/>, and the figures are then for whole experts per rank).</summary>
    public int ExpertTensor => Math.Max(1, Tensor / Expert);
}
