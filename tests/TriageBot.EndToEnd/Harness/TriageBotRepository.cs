using System.Reflection;
using YamlDotNet.RepresentationModel;

namespace TriageBot.EndToEnd.Harness;

/// <summary>Paths in the repository the tests run from, and the bot's own words as the bot reads them.</summary>
public static class TriageBotRepository
{
    private static readonly Lazy<YamlMappingNode> Strings = new(LoadStrings);

    /// <summary>The folder holding TriageBot.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The built src/TriageBot in the configuration these tests were built in.</summary>
    public static string TriageBotDll
    {
        get
        {
            var configuration = typeof(TriageBotRepository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .First(a => a.Key == "Configuration").Value!;
            return Path.Combine(Root, "src", "TriageBot", "bin", configuration, "net10.0", "TriageBot.dll");
        }
    }

    /// <summary>The English text of one of the bot's own words in dialogs/strings.yaml (e.g. "fixed-thanks").</summary>
    public static string BotWords(string key, string language = "en-us")
    {
        var strings = (YamlMappingNode)Strings.Value.Children[new YamlScalarNode("strings")];
        var entry = (YamlMappingNode)strings.Children[new YamlScalarNode(key)];
        return ((YamlScalarNode)entry.Children[new YamlScalarNode(language)]).Value!;
    }

    private static YamlMappingNode LoadStrings()
    {
        using var reader = new StreamReader(Path.Combine(Root, "dialogs", "strings.yaml"));
        var yaml = new YamlStream();
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"TriageBot.sln not found above {AppContext.BaseDirectory}.");
    }
}
