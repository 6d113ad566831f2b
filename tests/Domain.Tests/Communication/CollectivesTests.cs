using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Units;

namespace Sizing.Domain.Tests.Communication;

public sealed class CollectivesTests
{
    private static readonly Topology HgxH100 = TestGpus.Node("h100-sxm-80gb");

    [Theory]
    [InlineData(CollectiveOperation.AllReduce)]
    [InlineData(CollectiveOperation.AllGather)]
    [InlineData(CollectiveOperation.ReduceScatter)]
    [InlineData(CollectiveOperation.AllToAll)]
    [InlineData(CollectiveOperation.SendRecv)]
    public void Estimate_OneGpu_TakesNoTime(CollectiveOperation operation)
    {
        var message = Bytes.FromMiB(64);

        var estimate = Collectives.Estimate(operation, HgxH100, 1, message);

        Assert.Equal(Seconds.Zero, estimate.Time);
        Assert.Equal("none", estimate.Algorithm);
    }

    // docs/formulas.md §3: batch-1 decode all-reduce of 1·8192·2 = 16,384 B costs its latency α ≈ 5–10 µs on NVLink
    // (vLLM custom all-reduce). Measured (sglang PR #2904, H100, both kernels, 4–32 KiB): 3.7–9.2 µs at TP 4, 5.7–11.8 µs at TP 8.
    [Theory]
    [InlineData(4, 3.7, 9.2)]
    [InlineData(8, 5.7, 11.8)]
    public void TensorParallelAllReduce_16KiBDecodeOnNvSwitch_CostsWhatSmallAllReducesMeasure(int tp, double fastestUs, double slowestUs)
    {
        var message = new Bytes(16_384);

        var estimate = Collectives.TensorParallelAllReduce(HgxH100, tp, message, Engine.Vllm);

        Assert.Equal(CollectiveImplementation.CustomAllReduce, estimate.Implementation);
        Assert.InRange(estimate.Time.Microseconds, 5.0, 10.0);
        Assert.InRange(estimate.Time.Microseconds, fastestUs, slowestUs);
    }

    // docs/formulas.md §3 batch 64: 1 MiB at peak busbw gives 9–14 µs per op, and it warns that real busbw at 1 MiB is below
    // the plateau. Measured: 8×H200 NCCL 1 MiB 25 µs (stasnet-006, busbw 72.5); H100 custom all-reduce 1 MiB
    // 19.9–45 µs at TP 2–8 (sglang PR #2904). So the estimate sits above the 9 µs peak bound and within the measured 45 µs.
    [Theory]
    [InlineData(4, Engine.Generic)]
    [InlineData(8, Engine.Generic)]
    [InlineData(4, Engine.Vllm)]
    [InlineData(8, Engine.Vllm)]
    public void TensorParallelAllReduce_1MiBDecodeAtBatch64_LiesBetweenPeakBoundAndMeasured(int tp, Engine engine)
    {
        var message = Bytes.FromMiB(1);

        var estimate = Collectives.TensorParallelAllReduce(HgxH100, tp, message, engine);

        Assert.InRange(estimate.Time.Microseconds, 9.0, 45.0);
    }

    // docs/formulas.md §3 prefill: 32 MiB at TP 8 = 1.75·33.55 MB / 370 GB/s = 159 µs (+α), 137 µs at 480 GB/s NVLS;
    // the 8×H200 curve (stasnet-010/012: 121 µs at 16 MiB, 317 µs at 64 MiB) puts 32 MiB near 196 µs.
    [Fact]
    public void Estimate_32MiBPrefillAllReduceAtTp8_Takes150To210Microseconds()
    {
        var message = Bytes.FromMiB(32);

        var estimate = Collectives.Estimate(CollectiveOperation.AllReduce, HgxH100, 8, message);

        Assert.InRange(estimate.Time.Microseconds, 150.0, 210.0);
        Assert.Equal("nvls", estimate.Algorithm);
    }

    // Measured large-message busbw (GB/s), tolerance 10 %.
    [Theory]
    [InlineData("h100-sxm-80gb", 8, 2048, 480.0)] // nccl1455-002, nccl-tests#212: NVLS at 8 H100
    [InlineData("h100-sxm-80gb", 4, 2048, 367.5)] // nccl1455-004: NVLS at 4 GPUs ≈ ring 365–370
    [InlineData("h200-sxm-141gb", 8, 16384, 480.7)] // stasnet-018: 8×H200 16 GiB
    [InlineData("h100-pcie-80gb", 2, 1024, 115.37)] // ncclt194-002: 2×H100 PCIe NVLink bridge 1 GiB
    [InlineData("a100-pcie-80gb", 2, 12288, 208.0)] // ncclt178-001: A100 NV12 bridge pair
    public void Estimate_LargeAllReduce_MatchesMeasuredBusBandwidth(string gpu, int gpus, double mib, double busbwGBps)
    {
        var topology = TestGpus.Node(gpu);

        var estimate = Collectives.Estimate(CollectiveOperation.AllReduce, topology, gpus, Bytes.FromMiB(mib));

        Assert.InRange(estimate.BusBandwidth.GBps, busbwGBps * 0.9, busbwGBps * 1.1);
    }

    // nccl-tests#212 (sjeaugey): ~370 GB/s effective NVLink bandwidth "observed as BusBw when running non-allreduce operations".
    [Fact]
    public void Estimate_LargeAllGatherOn8H100_ReachesRingBusBandwidth()
    {
        var message = Bytes.FromGiB(2);

        var estimate = Collectives.Estimate(CollectiveOperation.AllGather, HgxH100, 8, message);

        Assert.InRange(estimate.BusBandwidth.GBps, 367.5 * 0.9, 367.5 * 1.1);
        Assert.Equal("ring", estimate.Algorithm);
    }

    // ncclt149-001: "the nccl tests show a busbw of ~200 GB/s" on 8×A100 SXM4 NVSwitch up to 1 GiB.
    [Fact]
    public void Estimate_1GiBAllReduceOn8A100_Exceeds200GBps()
    {
        var topology = TestGpus.Node("a100-sxm-80gb");

        var estimate = Collectives.Estimate(CollectiveOperation.AllReduce, topology, 8, Bytes.FromGiB(1));

        Assert.InRange(estimate.BusBandwidth.GBps, 200.0, 250.0);
    }

    // Measured times (µs), tolerance 10 %.
    [Theory]
    [InlineData("h20-96gb", 16, 8, IntraNodeLink.NvSwitch, 8L, 47.6)] // nccl1244-001: 2 nodes × 8 H20, IB NDR, 8 B
    [InlineData("h20-96gb", 16, 8, IntraNodeLink.NvSwitch, 512L, 46.58)] // nccl1244-003: same, 512 B
    [InlineData("rtx-4090", 6, 6, IntraNodeLink.Pcie, 33_554_432L, 2275.1)] // tinygrad-001: tinybox 6×4090 PCIe, 32 MiB
    [InlineData("h100-pcie-80gb", 2, 8, IntraNodeLink.NvLinkBridge, 1_073_741_824L, 9306.7)] // ncclt194-001
    public void Estimate_AllReduce_MatchesMeasuredTime(string gpu, int gpus, int gpusPerNode, IntraNodeLink link, long bytes, double micros)
    {
        var topology = TestGpus.Node(gpu, gpusPerNode, link);

        var estimate = Collectives.Estimate(CollectiveOperation.AllReduce, topology, gpus, new Bytes(bytes));

        Assert.InRange(estimate.Time.Microseconds, micros * 0.9, micros * 1.1);
    }

    [Theory]
    [InlineData(CollectiveOperation.AllReduce, CollectiveImplementation.Nccl, "h100-sxm-80gb", 8, 8)]
    [InlineData(CollectiveOperation.AllReduce, CollectiveImplementation.CustomAllReduce, "h100-sxm-80gb", 8, 8)]
    [InlineData(CollectiveOperation.AllReduce, CollectiveImplementation.Nccl, "h100-sxm-80gb", 16, 8)]
    [InlineData(CollectiveOperation.AllGather, CollectiveImplementation.Nccl, "b200-180gb", 32, 8)]
    [InlineData(CollectiveOperation.ReduceScatter, CollectiveImplementation.Nccl, "rtx-4090", 4, 8)]
    [InlineData(CollectiveOperation.AllToAll, CollectiveImplementation.Nccl, "h100-sxm-80gb", 16, 8)]
    [InlineData(CollectiveOperation.SendRecv, CollectiveImplementation.Nccl, "mi300x", 2, 8)]
    public void Estimate_LargerMessage_NeverTakesLessTime(
        CollectiveOperation operation, CollectiveImplementation implementation, string gpu, int gpus, int gpusPerNode)
    {
        var topology = TestGpus.Node(gpu, gpusPerNode);
        var sizes = Enumerable.Range(0, 35).Select(i => new Bytes(1L << i)).ToList();

        var estimates = sizes.Select(size => Collectives.Estimate(operation, topology, gpus, size, implementation)).ToList();

        // Compared within one implementation: past 8 MiB an engine hands the all-reduce from its custom kernel to NCCL.
        var pairs = estimates.Zip(estimates.Skip(1)).Where(pair => pair.First.Implementation == pair.Second.Implementation).ToList();
        Assert.NotEmpty(pairs);
        Assert.All(pairs, pair => Assert.True(pair.First.Time <= pair.Second.Time, $"{pair.First.Time} > {pair.Second.Time}"));
    }

    [Theory]
    [InlineData(1L << 14)]
    [InlineData(1L << 20)]
    [InlineData(1L << 30)]
    public void Estimate_PcieCrossSocket_IsSlowerThanPcieAndNvSwitch(long bytes)
    {
        var message = new Bytes(bytes);
        var nvSwitch = TestGpus.Node("h100-sxm-80gb", intraNode: IntraNodeLink.NvSwitch);
        var pcie = TestGpus.Node("h100-sxm-80gb", intraNode: IntraNodeLink.Pcie);
        var crossSocket = TestGpus.Node("h100-sxm-80gb", intraNode: IntraNodeLink.PcieCrossSocket);

        var overNvSwitch = Collectives.Estimate(CollectiveOperation.AllReduce, nvSwitch, 8, message).Time;
        var overPcie = Collectives.Estimate(CollectiveOperation.AllReduce, pcie, 8, message).Time;
        var overCrossSocket = Collectives.Estimate(CollectiveOperation.AllReduce, crossSocket, 8, message).Time;

        Assert.True(overCrossSocket > overPcie);
        Assert.True(overPcie > overNvSwitch);
    }

    [Fact]
    public void Estimate_LargeAllReduce_CrossSocketIsAnOrderOfMagnitudeSlowerThanNvSwitch()
    {
        var message = Bytes.FromGiB(1);
        var crossSocket = TestGpus.Node("h100-sxm-80gb", intraNode: IntraNodeLink.PcieCrossSocket);

        var overNvSwitch = Collectives.Estimate(CollectiveOperation.AllReduce, HgxH100, 8, message).Time;
        var overCrossSocket = Collectives.Estimate(CollectiveOperation.AllReduce, crossSocket, 8, message).Time;

        Assert.True(overCrossSocket / overNvSwitch > 10.0);
    }

    // Ring-type busbw cannot beat the wire; only NVLS all-reduce (switch-side reduction) reports busbw above it.
    [Theory]
    [InlineData(CollectiveOperation.AllGather, "h100-sxm-80gb", IntraNodeLink.NvSwitch, 450.0)]
    [InlineData(CollectiveOperation.ReduceScatter, "b200-180gb", IntraNodeLink.NvSwitch, 900.0)]
    [InlineData(CollectiveOperation.AllToAll, "h100-sxm-80gb", IntraNodeLink.NvSwitch, 450.0)]
    [InlineData(CollectiveOperation.AllReduce, "a100-sxm-80gb", IntraNodeLink.NvSwitch, 300.0)]
    [InlineData(CollectiveOperation.AllReduce, "rtx-4090", IntraNodeLink.Pcie, 32.0)]
    [InlineData(CollectiveOperation.AllReduce, "h100-sxm-80gb", IntraNodeLink.PcieCrossSocket, 64.0)]
    [InlineData(CollectiveOperation.SendRecv, "h100-pcie-80gb", IntraNodeLink.NvLinkBridge, 300.0)]
    public void Estimate_AnySize_BusBandwidthStaysBelowLineRate(CollectiveOperation operation, string gpu, IntraNodeLink link, double lineRateGBps)
    {
        var topology = TestGpus.Node(gpu, intraNode: link);
        var gpus = link == IntraNodeLink.NvLinkBridge ? 2 : 8;

        var busbw = Enumerable.Range(10, 25)
            .Select(i => Collectives.Estimate(operation, topology, gpus, new Bytes(1L << i)).BusBandwidth.GBps);

        Assert.All(busbw, value => Assert.True(value <= lineRateGBps, $"{value} GB/s > {lineRateGBps} GB/s"));
    }

    [Theory]
    [InlineData(1L << 12)]
    [InlineData(1L << 24)]
    [InlineData(1L << 32)]
    public void Estimate_GroupSpanningNodes_IsSlowerThanOneNode(long bytes)
    {
        var message = new Bytes(bytes);
        var twoNodesOfFour = TestGpus.Node("h100-sxm-80gb", gpusPerNode: 4);

        var oneNode = Collectives.Estimate(CollectiveOperation.AllReduce, HgxH100, 8, message);
        var twoNodes = Collectives.Estimate(CollectiveOperation.AllReduce, twoNodesOfFour, 8, message);

        Assert.Equal(2, twoNodes.Nodes);
        Assert.True(twoNodes.Time > oneNode.Time);
    }

    [Theory]
    [InlineData(CollectiveOperation.AllReduce, 8, 1.75)]
    [InlineData(CollectiveOperation.AllGather, 8, 0.875)]
    [InlineData(CollectiveOperation.ReduceScatter, 4, 0.75)]
    [InlineData(CollectiveOperation.AllToAll, 16, 0.9375)]
    [InlineData(CollectiveOperation.SendRecv, 2, 1.0)]
    public void Estimate_BusBandwidth_IsAlgorithmBandwidthTimesNcclTestsFactor(CollectiveOperation operation, int gpus, double factor)
    {
        var message = Bytes.FromMiB(256);

        var estimate = Collectives.Estimate(operation, HgxH100, gpus, message);

        Assert.Equal(factor, estimate.BusBandwidth.Value / estimate.AlgorithmBandwidth.Value, 9);
        Assert.Equal(message.Value / estimate.Time.Value, estimate.AlgorithmBandwidth.Value, 1e-6 * estimate.AlgorithmBandwidth.Value);
    }

    [Fact]
    public void Estimate_NvLinkBridgeBeyondAPair_FallsBackToPcie()
    {
        var bridged = TestGpus.Node("h100-pcie-80gb", intraNode: IntraNodeLink.NvLinkBridge);

        var four = Collectives.Estimate(CollectiveOperation.AllReduce, bridged, 4, Bytes.FromGiB(1));

        Assert.True(four.BusBandwidth.GBps <= 64.0);
    }

    [Theory]
    [InlineData(16, 8, 1024)] // spans two nodes
    [InlineData(8, 8, 16384)] // above the 8 MiB custom buffer
    [InlineData(3, 8, 1024)] // odd world size
    [InlineData(4, 8, 1024, IntraNodeLink.Pcie)] // more than two PCIe-only GPUs
    public void Estimate_CustomAllReduceOutsideItsLimits_FallsBackToNccl(int gpus, int gpusPerNode, long kib, IntraNodeLink link = IntraNodeLink.NvSwitch)
    {
        var topology = TestGpus.Node("h100-sxm-80gb", gpusPerNode, link);

        var estimate = Collectives.Estimate(
            CollectiveOperation.AllReduce, topology, gpus, new Bytes(kib * 1024), CollectiveImplementation.CustomAllReduce);

        Assert.Equal(CollectiveImplementation.Nccl, estimate.Implementation);
    }

    [Theory]
    [InlineData(2, 4L << 20, "one-shot")]
    [InlineData(8, 64L << 10, "one-shot")]
    [InlineData(8, 4L << 20, "two-shot")]
    public void TensorParallelAllReduce_SglangInsideOneNode_UsesCustomKernel(int tp, long bytes, string algorithm)
    {
        var message = new Bytes(bytes);

        var estimate = Collectives.TensorParallelAllReduce(HgxH100, tp, message, Engine.Sglang);

        Assert.Equal(CollectiveImplementation.CustomAllReduce, estimate.Implementation);
        Assert.Equal(algorithm, estimate.Algorithm);
    }

    [Fact]
    public void TensorParallelAllReduce_Lmdeploy_UsesNccl()
    {
        var message = Bytes.FromMiB(1);

        var estimate = Collectives.TensorParallelAllReduce(HgxH100, 8, message, Engine.Lmdeploy);

        Assert.Equal(CollectiveImplementation.Nccl, estimate.Implementation);
    }

    // The fabric constants are fitted per class (few sources each), so the test states a slower fabric explicitly: RoCE with
    // longer steps and a lower share of the same line rate than InfiniBand, and plain Ethernet (one 100 GbE NIC per node).
    [Fact]
    public void Estimate_SlowerFabric_TakesLonger()
    {
        var message = Bytes.FromMiB(256);
        var assumptions = CommunicationAssumptions.Default with
        {
            InfiniBandNdr = new FabricProfile(14.0, 400.0, null, 0.94),
            Roce = new FabricProfile(16.0, 400.0, null, 0.85),
        };
        var infiniBand = TestGpus.Node("h100-sxm-80gb", interNode: InterNodeLink.InfiniBand);
        var roce = TestGpus.Node("h100-sxm-80gb", interNode: InterNodeLink.Roce);
        var ethernet = TestGpus.Node("h100-sxm-80gb", interNode: InterNodeLink.Ethernet);

        var overInfiniBand = Collectives.Estimate(CollectiveOperation.AllReduce, infiniBand, 16, message, assumptions: assumptions).Time;
        var overRoce = Collectives.Estimate(CollectiveOperation.AllReduce, roce, 16, message, assumptions: assumptions).Time;
        var overEthernet = Collectives.Estimate(CollectiveOperation.AllReduce, ethernet, 16, message, assumptions: assumptions).Time;

        Assert.True(overInfiniBand < overRoce);
        Assert.True(overRoce < overEthernet);
        Assert.True(Collectives.Estimate(CollectiveOperation.AllReduce, infiniBand, 16, message).Time
            < Collectives.Estimate(CollectiveOperation.AllReduce, ethernet, 16, message).Time, "with the fitted constants too, one 100 GbE NIC per node is slower than a 400G NIC per GPU");
    }

    [Fact]
    public void Assumptions_Default_AreNamedUniquelyAndSourced()
    {
        var assumptions = CommunicationAssumptions.Default.Assumptions;

        Assert.Equal(assumptions.Count, assumptions.Select(a => a.Name).Distinct().Count());
        Assert.All(assumptions, a => Assert.False(string.IsNullOrWhiteSpace(a.Source)));
        Assert.All(assumptions, a => Assert.True(a.Value >= 0, a.Name));
    }

    [Fact]
    public void Estimate_WithFasterNvSwitchAssumption_IsFaster()
    {
        var faster = CommunicationAssumptions.Default with { NvSwitch = new LinkProfile(0.5, 0.95) };
        var message = Bytes.FromMiB(64);

        var baseline = Collectives.Estimate(CollectiveOperation.AllGather, HgxH100, 8, message);
        var tuned = Collectives.Estimate(CollectiveOperation.AllGather, HgxH100, 8, message, assumptions: faster);

        Assert.True(tuned.Time < baseline.Time);
    }
}
