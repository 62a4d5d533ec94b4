module microservices/bench/peers

go 1.26.0
