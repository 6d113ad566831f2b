using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;

namespace Sizing.Domain.Tests.Catalog;

public sealed class CheckpointCatalogTests
{
    private static readonly CheckpointCatalog Checkpoints = CheckpointCatalog.BuiltIn;

    [Fact]
    public void BuiltIn_EveryCheckpoint_IsAReleaseOfACatalogModelWithASource()
    {
        Assert.NotEmpty(Checkpoints.All);
        Assert.All(Checkpoints.All, c =>
        {
            Assert.NotNull(HardwareCatalog.BuiltIn.FindModel(c.Model));
            Assert.False(string.IsNullOrWhiteSpace(c.Source));
        });
    }

    [Theory]
    [InlineData("llama-3.1-8b")]
    [InlineData("llama-3.1-70b")]
    [InlineData("llama-3.3-70b")]
    [InlineData("llama-3.1-405b")]
    [InlineData("qwen2.5-7b")]
    [InlineData("qwen2.5-72b")]
    [InlineData("qwen3-32b")]
    [InlineData("qwen3-30b-a3b")]
    [InlineData("qwen3-235b-a22b")]
    [InlineData("deepseek-v3")]
    [InlineData("deepseek-r1")]
    [InlineData("gpt-oss-20b")]
    [InlineData("gpt-oss-120b")]
    [InlineData("mixtral-8x7b")]
    [InlineData("mistral-7b")]
    [InlineData("gemma-3-27b")]
    [InlineData("llama-4-scout")]
    [InlineData("llama-4-maverick")]
    public void BuiltIn_MostServedModel_HasItsOfficialReleaseAndAQuantizedOne(string model)
    {
        var releases = Checkpoints.For(model);

        // The official release is listed first: 16-bit, or the format the vendor ships natively (DeepSeek FP8, gpt-oss MXFP4).
        Assert.NotEmpty(releases);
        Assert.Contains(releases, c => !c.Format.IsSixteenBitOrWider() || releases.Count == 1);
    }

    [Theory]
    [InlineData("openai/gpt-oss-120b", WeightFormat.Mxfp4, "mxfp4")]
    [InlineData("deepseek-ai/DeepSeek-R1", WeightFormat.Fp8Block, "fp8")]
    [InlineData("nvidia/DeepSeek-R1-FP4", WeightFormat.Nvfp4, "modelopt")]
    [InlineData("hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4", WeightFormat.Int4, "awq")]
    [InlineData("neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8", WeightFormat.Fp8, "compressed-tensors")]
    public void BuiltIn_Checkpoint_CarriesTheFormatItsConfigDeclares(string repository, WeightFormat format, string quantMethod)
    {
        // Sources per entry in checkpoints.json (config.json quantization_config, model cards).
        var checkpoint = Assert.Single(Checkpoints.All, c => c.Repository == repository);

        Assert.Equal(format, checkpoint.Format);
        Assert.Equal(quantMethod, checkpoint.QuantMethod);
    }

    [Fact]
    public void Parse_UnknownMember_IsAProblemNamingIt()
    {
        var (catalog, problems) = CheckpointCatalog.Parse("test.json",
            """{ "checkpoints": [ { "model": "llama-3.1-8b", "repository": "a/b", "format": "bf16", "source": "s", "bits": 4 } ] }""");

        Assert.Null(catalog);
        Assert.Contains(problems, p => p.Message.Contains("bits", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_QuantizedWithoutQuantMethod_IsAProblem()
    {
        var (catalog, problems) = CheckpointCatalog.Parse("test.json",
            """{ "checkpoints": [ { "model": "llama-3.1-8b", "repository": "a/b-FP8", "format": "fp8", "source": "s" } ] }""");

        Assert.Null(catalog);
        Assert.Equal("quantMethod", Assert.Single(problems).Field);
    }
}
