using System.Globalization;
using System.Text;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Units;
using Xunit.Abstractions;

namespace Sizing.Domain.Tests.Communication;

/// <summary>
/// Predicts every <c>collective</c> row of the public calibration set (TestData/cases-public.csv, a copy of
/// shared/calibration/cases-public.csv) and bounds the absolute percentage error. No row is special-cased: the
/// model only sees the hardware, the operation, the size and the implementation.
/// </summary>
public sealed class CollectivesCalibrationTests(ITestOutputHelper output)
{
    // Measured with CommunicationAssumptions.Default: median 7.8 % (p90 37.6 %) over 87 rows;
    // collective_us 13.6 % (p90 42.0 %), collective_busbw_GBps 5.3 % (p90 30.4 %). Bounds add a small margin.
    [Theory]
    [InlineData("all", 0.10, 0.41)]
    [InlineData("collective_us", 0.16, 0.45)]
    [InlineData("collective_busbw_GBps", 0.07, 0.33)]
    public void Estimate_PublicCollectiveRows_StayWithinMeasuredError(string metric, double medianBound, double p90Bound)
    {
        var rows = CollectiveRows().Where(row => metric == "all" || row.Metric == metric).ToList();

        var errors = rows.Select(row => Math.Abs(Predict(row) - row.Value) / row.Value).Order().ToList();

        var median = Percentile(errors, 0.5);
        var p90 = Percentile(errors, 0.9);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{metric}: n={errors.Count} median={median:P1} p90={p90:P1}"));
        Assert.NotEmpty(rows);
        Assert.True(median <= medianBound, $"median {median:P1} > {medianBound:P0}");
        Assert.True(p90 <= p90Bound, $"p90 {p90:P1} > {p90Bound:P0}");
    }

    [Fact]
    public void CollectiveRows_PublicSet_AreAllReadable()
    {
        var rows = CollectiveRows();

        Assert.True(rows.Count >= 80, $"only {rows.Count} collective rows");
        Assert.All(rows, row => Assert.True(row.Value > 0));
    }

    private static double Predict(CollectiveRow row)
    {
        var gpu = TestGpus.Get(row.GpuId);
        var topology = new Topology(gpu, row.GpusPerNode, row.IntraNode, row.InterNode);
        var estimate = Collectives.Estimate(row.Operation, topology, row.GpuCount, new Bytes(row.MessageBytes), row.Implementation);
        return row.Metric switch
        {
            "collective_us" => estimate.Time.Microseconds,
            "collective_busbw_GBps" => estimate.BusBandwidth.GBps,
            _ => throw new InvalidOperationException($"unknown collective metric {row.Metric}"),
        };
    }

    private static double Percentile(List<double> sorted, double fraction)
    {
        if (fraction == 0.5)
        {
            var middle = sorted.Count / 2;
            return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }

        return sorted[(int)Math.Ceiling(fraction * sorted.Count) - 1];
    }

    private static List<CollectiveRow> CollectiveRows()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "cases-public.csv"));
        var header = SplitCsv(lines[0]);
        int Column(string name) => header.IndexOf(name);

        return lines.Skip(1)
            .Where(line => line.Length > 0)
            .Select(SplitCsv)
            .Where(fields => fields[Column("kind")] == "collective")
            .Select(fields =>
            {
                string Field(string name) => fields[Column(name)];
                var gpuCount = int.Parse(Field("gpu_count"), CultureInfo.InvariantCulture);
                return new CollectiveRow(
                    Field("gpu_id"),
                    gpuCount,
                    Field("gpus_per_node") is { Length: > 0 } perNode ? int.Parse(perNode, CultureInfo.InvariantCulture) : gpuCount,
                    ParseIntraNode(Field("intra_node")),
                    ParseInterNode(Field("inter_node")),
                    Field("engine") == "custom-allreduce" ? CollectiveImplementation.CustomAllReduce : CollectiveImplementation.Nccl,
                    ParseOperation(Field("operation")),
                    long.Parse(Field("message_bytes"), CultureInfo.InvariantCulture),
                    Field("metric"),
                    double.Parse(Field("value"), CultureInfo.InvariantCulture));
            })
            .ToList();
    }

    private static IntraNodeLink ParseIntraNode(string value) => value switch
    {
        "nvswitch" => IntraNodeLink.NvSwitch,
        "nvlink-bridge" => IntraNodeLink.NvLinkBridge,
        "pcie-cross-socket" => IntraNodeLink.PcieCrossSocket,
        "xgmi" => IntraNodeLink.Xgmi,
        _ => IntraNodeLink.Pcie,
    };

    private static InterNodeLink ParseInterNode(string value) => value switch
    {
        "roce" => InterNodeLink.Roce,
        "ethernet" => InterNodeLink.Ethernet,
        _ => InterNodeLink.InfiniBand,
    };

    private static CollectiveOperation ParseOperation(string value) => value switch
    {
        "all-reduce" => CollectiveOperation.AllReduce,
        "all-gather" => CollectiveOperation.AllGather,
        "reduce-scatter" => CollectiveOperation.ReduceScatter,
        "all-to-all" => CollectiveOperation.AllToAll,
        "send-recv" => CollectiveOperation.SendRecv,
        _ => throw new InvalidOperationException($"unknown operation {value}"),
    };

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }

    private sealed record CollectiveRow(
        string GpuId,
        int GpuCount,
        int GpusPerNode,
        IntraNodeLink IntraNode,
        InterNodeLink InterNode,
        CollectiveImplementation Implementation,
        CollectiveOperation Operation,
        long MessageBytes,
        string Metric,
        double Value);
}
