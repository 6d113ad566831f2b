using Sizing.Fidelity;

namespace Sizing.Domain.Tests.Fidelity;

/// <summary>The fidelity benchmark's own plumbing: CSV reading, notes settings and percentiles.</summary>
public sealed class CaseCsvTests
{
    [Fact]
    public void Read_QuotedFieldsWithCommasAndQuotes_KeepTheirText()
    {
        const string csv = "id,source,notes,value\r\nx-1,\"a, b\",\"gpu_memory_utilization=0.95; said \"\"hi\"\"\",12.5\r\n";

        var row = CaseCsv.Read(new StringReader(csv)).Single();

        Assert.Equal("a, b", row["source"]);
        Assert.Equal(0.95, row.NoteNumber("gpu_memory_utilization"));
        Assert.Contains("said \"hi\"", row["notes"], StringComparison.Ordinal);
        Assert.Equal(12.5, row.Value);
    }

    [Fact]
    public void Note_MissingSetting_IsNull()
    {
        var row = CaseCsv.Read(new StringReader("id,notes\nx,max_model_len=8192\n")).Single();

        Assert.Null(row.Note("block_size"));
        Assert.Equal("8192", row.Note("max_model_len"));
    }

    [Theory]
    [InlineData(0.5, 2.5)] // numpy.percentile([1, 2, 3, 4], 50) = 2.5
    [InlineData(0.9, 3.7)] // numpy.percentile([1, 2, 3, 4], 90) = 3.7
    public void Percentile_InterpolatesLikeNumpy(double q, double expected)
    {
        var value = FidelityReport.Percentile([1, 2, 3, 4], q);

        Assert.Equal(expected, value, 9);
    }

    [Theory]
    [InlineData("github NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md @00f37686aa854010d68bcbd0f4ab000221541ca6")]
    [InlineData("github NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md (older stored version documenting v0.21 benchmarks)")]
    [InlineData("github NVIDIA/TensorRT-LLM docs/source/developer-guide/perf-overview.md @5f9a4c1e")]
    [InlineData("github NVIDIA/TensorRT-LLM docs/source/blogs/H200launch.md")]
    public void Document_FilesOfOneRepository_AreOneSource(string source)
    {
        var row = new CaseRow(new Dictionary<string, string> { ["source"] = source });

        Assert.Equal("github NVIDIA/TensorRT-LLM", row.Document);
    }

    [Theory]
    [InlineData("https://www.amd.com/en/developer/resources/rocm-hub/dev-ai/performance-results.html")]
    [InlineData("https://www.amd.com/zh-cn/developer/resources/rocm-hub/dev-ai/performance-results.html (retrieved 2026-01)")]
    public void Document_TranslationsOfOnePage_AreOneSource(string source)
    {
        var row = new CaseRow(new Dictionary<string, string> { ["source"] = source });

        Assert.Equal("https://www.amd.com/developer/resources/rocm-hub/dev-ai/performance-results.html", row.Document);
    }

    [Theory]
    [InlineData("https://github.com/vllm-project/vllm/issues/10517 (comment by kaspersiminski, 2024-12-02)")]
    [InlineData("https://github.com/vllm-project/vllm/issues/10517#issuecomment-2512345678")]
    public void Document_CommentsOfOneThread_AreOneSource(string source)
    {
        var row = new CaseRow(new Dictionary<string, string> { ["source"] = source });

        Assert.Equal("https://github.com/vllm-project/vllm/issues/10517", row.Document);
    }
}
