namespace TriageBot.Testing;

/// <summary>The repository's folders, found from a test's output directory.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding TriageBot.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>knowledge/: the source documents and curated data.</summary>
    public static string Knowledge => Path.Combine(Root, "knowledge");

    /// <summary>dialogs/: the conversation as data.</summary>
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
