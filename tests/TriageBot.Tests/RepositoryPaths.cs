namespace TriageBot.Tests;

/// <summary>Finds the repository's folders from the test's output directory.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Knowledge => Path.Combine(Root, "knowledge");

    public static string Dialogs => Path.Combine(Root, "dialogs");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("TriageBot.sln not found above " + AppContext.BaseDirectory);
    }
}
