using Sizing.Domain.Deployment;

namespace Sizing.Domain.Tests.Deployment;

/// <summary>Engine releases as callers and start-up logs spell them.</summary>
public sealed class EngineVersionTests
{
    [Theory]
    [InlineData("0.10.1.1", 0, 10, 1)]   // dennislee22/vLLM-benchmarking logs: "vLLM 0.10.1.1"
    [InlineData("v0.11.0", 0, 11, 0)]
    [InlineData("0.4.3.post4", 0, 4, 3)] // SGLang release spelling (didier-durand/llms-in-clouds Dockerfile SGL_VERSION)
    [InlineData("0.6.5.dev", 0, 6, 5)]   // a PR head between releases behaves like its release
    [InlineData("0.15.0rc2", 0, 15, 0)]
    [InlineData("0.2.x", 0, 2, 0)]
    [InlineData(" 0.19.0 ", 0, 19, 0)]
    public void Parse_ReleaseNumber_KeepsMajorMinorPatch(string text, int major, int minor, int patch)
    {
        Assert.Equal(new EngineVersion(major, minor, patch), EngineVersion.Parse(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("latest")]
    [InlineData("V1")]
    public void Parse_LatestOrV1_IsTheNewestRelease(string? text)
    {
        Assert.Null(EngineVersion.Parse(text));
    }

    [Fact]
    public void Parse_V0_IsTheLastReleaseThatDefaultedToV0()
    {
        Assert.Equal(new EngineVersion(0, 7, 3), EngineVersion.Parse("v0")); // vLLM 0.8.0 made V1 the default
    }

    [Theory]
    [InlineData("not stated")]
    [InlineData("1")]
    [InlineData("0..1")]
    [InlineData("abc.def")]
    public void TryParse_NotAVersion_IsRejected(string text)
    {
        Assert.False(EngineVersion.TryParse(text, out _));
        Assert.Throws<FormatException>(() => EngineVersion.Parse(text));
    }

    [Fact]
    public void Compare_OrdersByMajorThenMinorThenPatch()
    {
        Assert.True(new EngineVersion(0, 10, 2) < new EngineVersion(0, 11, 0));
        Assert.True(new EngineVersion(0, 9, 0) > new EngineVersion(0, 8, 5));
        Assert.True(new EngineVersion(0, 19, 0).IsAtLeast(0, 19));
        Assert.False(new EngineVersion(0, 10, 2).IsAtLeast(0, 11));
    }
}
