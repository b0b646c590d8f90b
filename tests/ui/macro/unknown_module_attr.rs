use kiln::Module;

#[derive(Module)]
struct Net {
    #[module(skip, parameter)]
    count: u32,
}

fn main() {
    println!("{}", Net { count: 1 });
}
