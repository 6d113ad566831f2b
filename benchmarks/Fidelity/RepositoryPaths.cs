namespace Sizing.Fidelity;

/// <summary>The repository the program writes its fit and band files into: the first folder above the working directory
/// (or, failing that, above the binaries) that holds Sizing.sln.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = Find(Directory.GetCurrentDirectory()) ?? Find(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string? Find(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sizing.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
