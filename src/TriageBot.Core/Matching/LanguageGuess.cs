namespace TriageBot.Core.Matching;

/// <summary>
/// Tells which language a paste is written in, among the ones the bot speaks: Chinese (traditional
/// or simplified, by characters that exist in only one of the two scripts), German, else English.
/// </summary>
public static class LanguageGuess
{
    private static readonly char[] WordSeparators = [' ', ',', '.', '!', '?', ':', ';', '\n', '\t', '"', '(', ')'];

    // Common characters whose form differs between the scripts (simplified / traditional).
    private const string SimplifiedOnly = "这们个说为错误录网问题设务无访证书间门时发现经过请连尝试还应该对没让从开关单码号务据帐账户显启动帮转认证签";
    private const string TraditionalOnly = "這們個說為錯誤錄網問題設務無訪證書間門時發現經過請連嘗試還應該對沒讓從開關單碼號務據帳賬戶顯啟動幫轉認證簽";

    private static readonly HashSet<string> GermanWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "ich", "nicht", "und", "der", "die", "das", "ist", "kann", "mich", "mein", "meine", "wird", "wurde", "nicht", "bei",
        "fehler", "anmelden", "anmeldung", "anmeldeadresse", "kein", "keine", "beim", "sich", "ein", "eine", "mit", "auf",
        "bitte", "hallo", "immer", "noch", "geht", "funktioniert", "server", "zertifikat", "konnte", "werden", "uhr",
    };

    public static string Guess(string text)
    {
        int simplified = 0, traditional = 0, han = 0;
        foreach (var c in text)
        {
            if (Tokenizer.IsCjk(c))
            {
                han++;
                if (SimplifiedOnly.Contains(c))
                {
                    simplified++;
                }
                else if (TraditionalOnly.Contains(c))
                {
                    traditional++;
                }
            }
        }
        if (han > 0)
        {
            return traditional > simplified ? "zh-tw" : "zh-cn";
        }
        if (text.AsSpan().IndexOfAny("äöüßÄÖÜ") >= 0)
        {
            return "de-de";
        }
        var german = 0;
        foreach (var word in text.Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries))
        {
            if (GermanWords.Contains(word) && !word.Equals("server", StringComparison.OrdinalIgnoreCase) && ++german >= 2)
            {
                return "de-de";
            }
        }
        return "en-us";
    }
}
