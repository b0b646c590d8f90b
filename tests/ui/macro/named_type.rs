type Net = kiln::Sequential![fc1: Linear(4, 3), fc2: Linear(3, 2)];

fn main() {}
