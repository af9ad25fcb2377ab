/// Names for generated learners: every pairing of a short list of given and family
/// names, drawn by the learner's index so that the generator's random draws stay as
/// they were.
enum LearnerNames {
    private static let givenNames = [
        "Amira", "Ben", "Chloe", "Dev", "Ellie", "Finn", "Grace", "Harun", "Isla", "Jack", "Kiran", "Lily",
        "Mo", "Nia", "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Usman", "Vera", "Will", "Zara",
    ]
    private static let familyNames = [
        "Adeyemi", "Brown", "Campbell", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal", "Jones",
        "Khan", "Lewis", "Morgan", "Nowak", "O'Brien", "Patel", "Roberts", "Singh", "Taylor", "Walker", "Wright",
    ]

    static func given(_ index: Int) -> String { givenNames[index % givenNames.count] }

    /// Moves on one name per full round of given names, so pairs repeat only after 504 learners.
    static func family(_ index: Int) -> String { familyNames[(index + index / givenNames.count) % familyNames.count] }

    /// The family name as first mistyped: its last two letters swapped.
    static func mistyped(_ index: Int) -> String {
        var letters = Array(family(index))
        letters.swapAt(letters.count - 1, letters.count - 2)
        return String(letters)
    }
}
