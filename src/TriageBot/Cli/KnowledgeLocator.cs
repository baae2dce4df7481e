namespace TriageBot.Cli;

/// <summary>
/// Finds the project's data folders (knowledge/, dialogs/, appsettings.json): next to the current
/// directory when run from a clone, else next to the program (the build copies them there).
/// </summary>
public static class KnowledgeLocator
{
    public static string ContentRoot() => CloneRoot() ?? AppContext.BaseDirectory;

    /// <summary>The clone's root folder at or above the current directory, or null outside a clone.</summary>
    public static string? CloneRoot()
    {
        // `dotnet run` starts a web project in its project folder (src/TriageBot), so look upwards
        // for the clone's root before falling back to the copies beside the program.
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "appsettings.json")) && Directory.Exists(Path.Combine(dir.FullName, "knowledge")))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    public static string Resolve(string path, string contentRoot) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(contentRoot, path));
}
