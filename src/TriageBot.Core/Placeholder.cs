namespace TriageBot.Core; internal static class Placeholder {}
