/// Positions of names in a list of names (models of a matrix).
enum NameIndex {
    /// The position in `all` of each of `names`, in the order given.
    /// - Throws: `CoFailError.invalidParameter` (`parameter`) for an unknown or repeated name.
    static func positions(of names: [String], in all: [String], parameter: String) throws -> [Int] {
        var index: [String: Int] = [:]
        for (i, name) in all.enumerated() where index[name] == nil {
            index[name] = i
        }
        let out = try names.map { name in
            guard let i = index[name] else {
                throw CoFailError.invalid(parameter, name, "name models of the matrix")
            }
            return i
        }
        if Set(out).count != out.count {
            throw CoFailError.invalid(parameter, names.joined(separator: ","), "name each model once")
        }
        return out
    }
}
