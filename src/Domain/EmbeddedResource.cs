namespace Sizing.Domain;

/// <summary>The catalogs and fits compiled into this assembly: the only files the domain reads.</summary>
internal static class EmbeddedResource
{
    public static Stream Open(string name) =>
        typeof(EmbeddedResource).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
}
