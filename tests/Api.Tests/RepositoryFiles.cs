namespace Sizing.Api.Tests;

/// <summary>Finds files of the repository (Dockerfile, deploy/) from the test's output folder.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sizing.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Sizing.sln not found above " + AppContext.BaseDirectory);
    }
}
