namespace TriageBot.Benchmarks;

/// <summary>
/// Finds the repository by walking up to TriageBot.sln. BenchmarkDotNet runs each benchmark in a
/// child process from a generated folder under bin/, so both the current directory and the
/// assembly's directory are tried.
/// </summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Knowledge => Path.Combine(Root, "knowledge");

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException(
            $"TriageBot.sln not found above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}");
    }
}
