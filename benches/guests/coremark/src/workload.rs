//! A mixed integer workload in the spirit of CoreMark, written for this repository: each
//! iteration searches, reverses and merge-sorts a linked list, multiplies small integer
//! matrices, runs a number-recognising state machine over a string, and folds every result
//! into a CRC-16. Pointer chasing, data-dependent branches, multiply-accumulate and bit
//! twiddling, the mix of an embedded control program.

/// `run(n)` performs `n` iterations over one set of data generated from a fixed seed.
pub fn run(n: i32) -> i64 {
    let mut list = List::generate(LIST_LEN);
    let mut matrices = Matrices::generate();
    let mut scanner_input = generate_scanner_input();
    let mut crc = 0u16;
    for iteration in 0..n.max(0) as u32 {
        crc = list.exercise(iteration, crc);
        crc = matrices.exercise(iteration, crc);
        crc = exercise_scanner(&mut scanner_input, iteration, crc);
    }
    (i64::from(n.max(0)) << 16) | i64::from(crc)
}

/// CRC-16/ARC (reflected polynomial 0x8005), bit by bit as small firmware computes it.
fn crc16_byte(crc: u16, byte: u8) -> u16 {
    let mut crc = crc ^ u16::from(byte);
    for _ in 0..8 {
        crc = if crc & 1 == 1 {
            (crc >> 1) ^ 0xa001
        } else {
            crc >> 1
        };
    }
    crc
}

fn crc16_u16(crc: u16, value: u16) -> u16 {
    let [low, high] = value.to_le_bytes();
    crc16_byte(crc16_byte(crc, low), high)
}

fn crc16_u32(crc: u16, value: u32) -> u16 {
    crc16_u16(crc16_u16(crc, value as u16), (value >> 16) as u16)
}

// ---------------------------------------------------------------------------------------
// Linked list

const LIST_LEN: usize = 256;

/// A node of a singly linked list kept in an arena: links are indices, as in a pool
/// allocator on a microcontroller.
#[derive(Clone, Copy)]
struct Node {
    /// Data the list is sorted by in the middle of an iteration.
    value: i16,
    /// The node's original position, which the list is sorted back by.
    order: u16,
    next: Option<u16>,
}

struct List {
    nodes: Vec<Node>,
    head: Option<u16>,
}

impl List {
    fn generate(len: usize) -> Self {
        let mut seed: u16 = 0xace1;
        let nodes = (0..len)
            .map(|index| {
                // A 16-bit Fibonacci LFSR: cheap, full-period pseudo-random data.
                let bit = (seed ^ (seed >> 2) ^ (seed >> 3) ^ (seed >> 5)) & 1;
                seed = (seed >> 1) | (bit << 15);
                Node {
                    value: (seed & 0x7fff) as i16 - 0x4000,
                    order: index as u16,
                    next: (index + 1 < len).then_some(index as u16 + 1),
                }
            })
            .collect();
        Self {
            nodes,
            head: (len > 0).then_some(0),
        }
    }

    fn node(&self, index: u16) -> &Node {
        &self.nodes[usize::from(index)]
    }

    /// Position of the first node matching `predicate`, walking from the head.
    fn find(&self, predicate: impl Fn(&Node) -> bool) -> Option<u16> {
        let mut position = 0;
        let mut cursor = self.head;
        while let Some(index) = cursor {
            if predicate(self.node(index)) {
                return Some(position);
            }
            position += 1;
            cursor = self.node(index).next;
        }
        None
    }

    fn reverse(&mut self) {
        let mut previous = None;
        let mut cursor = self.head;
        while let Some(index) = cursor {
            let node = &mut self.nodes[usize::from(index)];
            cursor = node.next;
            node.next = previous;
            previous = Some(index);
        }
        self.head = previous;
    }

    /// Merges two sorted runs, returning the head and the tail of the merged run.
    fn merge(
        &mut self,
        mut left: Option<u16>,
        mut right: Option<u16>,
        less_or_equal: &impl Fn(&Node, &Node) -> bool,
    ) -> (Option<u16>, Option<u16>) {
        let (mut head, mut tail): (Option<u16>, Option<u16>) = (None, None);
        loop {
            let take = match (left, right) {
                (Some(l), Some(r)) => {
                    if less_or_equal(self.node(l), self.node(r)) {
                        left = self.node(l).next;
                        l
                    } else {
                        right = self.node(r).next;
                        r
                    }
                }
                (Some(l), None) => {
                    left = self.node(l).next;
                    l
                }
                (None, Some(r)) => {
                    right = self.node(r).next;
                    r
                }
                (None, None) => break,
            };
            match tail {
                Some(t) => self.nodes[usize::from(t)].next = Some(take),
                None => head = Some(take),
            }
            tail = Some(take);
        }
        if let Some(t) = tail {
            self.nodes[usize::from(t)].next = None;
        }
        (head, tail)
    }

    /// Cuts `len` nodes off the front of the list starting at `start`; returns the rest.
    fn split(&mut self, start: Option<u16>, len: usize) -> Option<u16> {
        let mut cursor = start;
        for _ in 1..len {
            match cursor {
                Some(index) => cursor = self.node(index).next,
                None => return None,
            }
        }
        let index = cursor?;
        let rest = self.node(index).next;
        self.nodes[usize::from(index)].next = None;
        rest
    }

    /// Bottom-up merge sort: runs of width 1, 2, 4... merged until one run remains. Stable,
    /// no recursion, no extra memory, so it suits lists.
    fn sort(&mut self, less_or_equal: impl Fn(&Node, &Node) -> bool) {
        let mut width = 1;
        loop {
            let mut remaining = self.head;
            let (mut head, mut tail): (Option<u16>, Option<u16>) = (None, None);
            let mut merges = 0;
            while remaining.is_some() {
                let left = remaining;
                let right = self.split(left, width);
                remaining = self.split(right, width);
                let (run_head, run_tail) = self.merge(left, right, &less_or_equal);
                match tail {
                    Some(t) => self.nodes[usize::from(t)].next = run_head,
                    None => head = run_head,
                }
                tail = run_tail;
                merges += 1;
            }
            self.head = head;
            if merges <= 1 {
                return;
            }
            width *= 2;
        }
    }

    fn exercise(&mut self, iteration: u32, mut crc: u16) -> u16 {
        // Searches for values that exist and that do not, by value and by original position.
        for probe in 0..4u32 {
            let wanted = (iteration.wrapping_mul(7919).wrapping_add(probe * 131) & 0xff) as u16;
            let by_order = self.find(|node| node.order == wanted).unwrap_or(0xffff);
            let by_value = self
                .find(|node| node.value as u16 & 0xff == wanted)
                .unwrap_or(0xffff);
            crc = crc16_u16(crc16_u16(crc, by_order), by_value);
        }
        self.reverse();
        // Data changes every iteration, so each sort sees a new permutation.
        let salt = (iteration as i16).wrapping_mul(0x2d);
        let mut cursor = self.head;
        while let Some(index) = cursor {
            let node = &mut self.nodes[usize::from(index)];
            node.value = node.value.wrapping_mul(5).wrapping_add(salt) ^ (node.order as i16);
            cursor = node.next;
        }
        self.sort(|a, b| a.value <= b.value);
        let mut cursor = self.head;
        for _ in 0..16 {
            let Some(index) = cursor else { break };
            crc = crc16_u16(crc, self.node(index).value as u16);
            cursor = self.node(index).next;
        }
        self.sort(|a, b| a.order <= b.order);
        crc16_u16(crc, self.find(|node| node.order == 0).unwrap_or(0xffff))
    }
}

// ---------------------------------------------------------------------------------------
// Matrices

const SIDE: usize = 16;

struct Matrices {
    a: [[i16; SIDE]; SIDE],
    b: [[i16; SIDE]; SIDE],
    product: [[i32; SIDE]; SIDE],
}

impl Matrices {
    fn generate() -> Self {
        let mut a = [[0; SIDE]; SIDE];
        let mut b = [[0; SIDE]; SIDE];
        for row in 0..SIDE {
            for column in 0..SIDE {
                a[row][column] = ((row * 37 + column * 11) % 251) as i16 - 125;
                b[row][column] = ((row * 13 + column * 29 + 7) % 127) as i16 - 63;
            }
        }
        Self {
            a,
            b,
            product: [[0; SIDE]; SIDE],
        }
    }

    fn multiply(&mut self) {
        for row in 0..SIDE {
            for column in 0..SIDE {
                let mut sum = 0i32;
                for k in 0..SIDE {
                    sum =
                        sum.wrapping_add(i32::from(self.a[row][k]) * i32::from(self.b[k][column]));
                }
                self.product[row][column] = sum;
            }
        }
    }

    /// Product of `a` with one column of `b` used as a vector.
    fn multiply_vector(&self, column: usize) -> [i32; SIDE] {
        let mut result = [0; SIDE];
        for (row, out) in result.iter_mut().enumerate() {
            *out = (0..SIDE).fold(0i32, |sum, k| {
                sum.wrapping_add(i32::from(self.a[row][k]) * i32::from(self.b[k][column]))
            });
        }
        result
    }

    fn add_constant(&mut self, constant: i16) {
        for value in self.a.iter_mut().flatten() {
            *value = value.wrapping_add(constant);
        }
    }

    /// Sums a bit field of every product element, with a branch that depends on the data.
    fn bit_field_sum(&self) -> u32 {
        let mut sum = 0u32;
        for &value in self.product.iter().flatten() {
            let field = (value >> 3) as u32 & 0x3f;
            sum = if field > 31 {
                sum.wrapping_add(field)
            } else {
                sum ^ (field << 4)
            };
        }
        sum
    }

    fn exercise(&mut self, iteration: u32, mut crc: u16) -> u16 {
        let constant = (iteration % 17) as i16 - 8;
        self.add_constant(constant);
        self.multiply();
        crc = crc16_u32(crc, self.bit_field_sum());
        let vector = self.multiply_vector(iteration as usize % SIDE);
        crc = crc16_u32(
            crc,
            vector
                .iter()
                .fold(0u32, |sum, &v| sum.wrapping_add(v as u32)),
        );
        self.add_constant(-constant);
        crc
    }
}

// ---------------------------------------------------------------------------------------
// State machine

/// The tokens the scanner recognises, and where it stands while reading one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Sign,
    Zero,
    Integer,
    HexPrefix,
    Hex,
    Point,
    Fraction,
    Exponent,
    ExponentSign,
    ExponentDigits,
    Invalid,
}

impl State {
    fn next(self, byte: u8) -> State {
        use State::*;
        match (self, byte) {
            (Start, b'+' | b'-') => Sign,
            (Start | Sign, b'0') => Zero,
            (Start | Sign, b'1'..=b'9') => Integer,
            (Start | Sign, b'.') => Point,
            (Zero, b'x' | b'X') => HexPrefix,
            (Zero | Integer, b'0'..=b'9') => Integer,
            (Zero | Integer, b'.') => Point,
            (Zero | Integer | Fraction, b'e' | b'E') => Exponent,
            (HexPrefix | Hex, b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F') => Hex,
            (Point | Fraction, b'0'..=b'9') => Fraction,
            (Exponent, b'+' | b'-') => ExponentSign,
            (Exponent | ExponentSign | ExponentDigits, b'0'..=b'9') => ExponentDigits,
            _ => Invalid,
        }
    }

    /// Whether a token may end in this state.
    fn accepts(self) -> bool {
        matches!(
            self,
            State::Zero | State::Integer | State::Hex | State::Fraction | State::ExponentDigits
        )
    }
}

const TOKENS: [&str; 10] = [
    "0", "-127", "+3.25", "6.02e23", "0x1F", "1e-9", "12a", ".5", "--1", "0x",
];

fn generate_scanner_input() -> Vec<u8> {
    let mut input = Vec::new();
    for index in 0..64 {
        input.extend_from_slice(TOKENS[(index * 7 + index / 3) % TOKENS.len()].as_bytes());
        input.push(b',');
    }
    input
}

/// Scans comma-separated tokens, counting accepted and rejected ones and state changes.
fn scan(input: &[u8]) -> (u32, u32, u32) {
    let (mut accepted, mut rejected, mut transitions) = (0, 0, 0);
    let mut state = State::Start;
    for &byte in input {
        if byte == b',' {
            if state.accepts() {
                accepted += 1;
            } else {
                rejected += 1;
            }
            state = State::Start;
            continue;
        }
        let next = state.next(byte);
        if next != state {
            transitions += 1;
        }
        state = next;
    }
    (accepted, rejected, transitions)
}

/// Scans the input, corrupts a few bytes in an iteration-dependent way, scans again, and
/// restores them so every iteration starts from the same text.
fn exercise_scanner(input: &mut [u8], iteration: u32, mut crc: u16) -> u16 {
    let (accepted, rejected, transitions) = scan(input);
    crc = crc16_u32(crc, accepted << 16 | rejected);
    crc = crc16_u32(crc, transitions);
    let len = input.len();
    let positions = [
        iteration as usize % len,
        (iteration as usize * 31 + 5) % len,
        (iteration as usize * 97 + 11) % len,
    ];
    let saved = positions.map(|position| input[position]);
    for (step, &position) in positions.iter().enumerate() {
        input[position] = b"7e."[step];
    }
    let (accepted, rejected, transitions) = scan(input);
    crc = crc16_u32(crc, accepted << 16 | rejected);
    crc = crc16_u32(crc, transitions);
    for (&position, &byte) in positions.iter().zip(&saved) {
        input[position] = byte;
    }
    crc
}
