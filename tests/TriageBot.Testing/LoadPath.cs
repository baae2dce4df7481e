namespace TriageBot.Testing;

/// <summary>
/// The load benchmark's conversation (bench/load/triagebot-path.txt, also driven by bench/load/run.sh): KEY=value
/// lines, the value literal to the end of the line; TURNn the text of turn n and EXPECTn a fragment its reply must contain.
/// </summary>
public static class LoadPath
{
    /// <summary>The path file in the repository.</summary>
    public static string File => Path.Combine(RepositoryPaths.Root, "bench", "load", "triagebot-path.txt");

    /// <summary>Every KEY=value of the file, as run.sh reads them.</summary>
    public static Dictionary<string, string> ReadValues() => System.IO.File.ReadAllLines(File)
        .Where(line => line.Length > 0 && !line.StartsWith('#') && line.Contains('='))
        .ToDictionary(line => line[..line.IndexOf('=')], line => line[(line.IndexOf('=') + 1)..], StringComparer.Ordinal);

    /// <summary>The turns in order, each with the fragment its reply must contain.</summary>
    public static IReadOnlyList<(string Text, string Expect)> Read()
    {
        var values = ReadValues();
        var turns = new List<(string, string)>();
        for (var n = 1; values.TryGetValue($"TURN{n}", out var text); n++)
        {
            turns.Add((text, values.TryGetValue($"EXPECT{n}", out var expect) ? expect : throw new InvalidDataException($"{File}: TURN{n} has no EXPECT{n}")));
        }

        return turns.Count > 0 ? turns : throw new InvalidDataException($"{File} has no TURN1");
    }
}
