namespace TriageBot.EndToEnd.Harness;

/// <summary>
/// The load benchmark's conversation (bench/load/triagebot-path.txt, also driven by bench/load/run.sh): KEY=value
/// lines, TURNn the text of turn n and EXPECTn a fragment its reply must contain.
/// </summary>
public static class LoadPath
{
    public static string File => Path.Combine(TriageBotRepository.Root, "bench", "load", "triagebot-path.txt");

    /// <summary>The turns in order, each with the fragment its reply must contain.</summary>
    public static IReadOnlyList<(string Text, string Expect)> Read()
    {
        var values = System.IO.File.ReadAllLines(File)
            .Where(line => line.Length > 0 && !line.StartsWith('#') && line.Contains('='))
            .ToDictionary(line => line[..line.IndexOf('=')], line => line[(line.IndexOf('=') + 1)..], StringComparer.Ordinal);
        var turns = new List<(string, string)>();
        for (var n = 1; values.TryGetValue($"TURN{n}", out var text); n++)
        {
            turns.Add((text, values.TryGetValue($"EXPECT{n}", out var expect) ? expect : throw new InvalidDataException($"{File}: TURN{n} has no EXPECT{n}")));
        }

        return turns.Count > 0 ? turns : throw new InvalidDataException($"{File} has no TURN1");
    }
}
